import { Disposable, languages, type DocumentSelector } from 'vscode';
import { CompletionRequest, HoverRequest, type LanguageClient } from 'vscode-languageclient/node';

/** The server's completion trigger characters (server/src/lsp/server.ts declares the same). */
const TRIGGER_CHARACTERS = [' ', '[', ','];

/**
 * The client registers its hover and completion providers only once the server has answered
 * initialize. Until then, a hover or completion asked for would get nothing from CrownGuard, and
 * the editor would fall back to word completion. These stand-ins, registered while the server
 * starts, wait for it and then ask it; once it is running they step aside (a request made then
 * is the client's own providers'), and they are removed when `running` settles.
 */
export function answerWhileStarting(
  client: LanguageClient,
  selector: DocumentSelector,
  running: Promise<unknown>,
): Disposable {
  const started = running.then(
    () => true,
    () => false,
  );
  const providers = [
    languages.registerHoverProvider(selector, {
      async provideHover(document, position, token) {
        if (client.isRunning() || !(await started) || token.isCancellationRequested) return undefined;
        const params = client.code2ProtocolConverter.asTextDocumentPositionParams(document, position);
        return client.protocol2CodeConverter.asHover(await client.sendRequest(HoverRequest.type, params, token));
      },
    }),
    languages.registerCompletionItemProvider(
      selector,
      {
        async provideCompletionItems(document, position, token, context) {
          if (client.isRunning() || !(await started) || token.isCancellationRequested) return undefined;
          const params = client.code2ProtocolConverter.asCompletionParams(document, position, context);
          const result = await client.sendRequest(CompletionRequest.type, params, token);
          return client.protocol2CodeConverter.asCompletionResult(result, undefined, token);
        },
      },
      ...TRIGGER_CHARACTERS,
    ),
  ];
  const all = Disposable.from(...providers);
  void started.then(() => all.dispose());
  return all;
}
