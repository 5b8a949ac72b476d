import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

/** Entry point of the bundled server: transport (stdio, IPC, socket) is chosen by argv. */
startServer(createConnection(ProposedFeatures.all));
