import { redact } from "@corp/privacy";
import winston from "winston";
import pino from "pino";

const logger = winston.createLogger();
const plog = pino();

export function positives(c: any, user: any, req: any) {
  console.log(c.ssn); // expect: CG101
  console.error(`email ${c.email}`); // expect: CG101
  logger.info("dob", { dob: c.date_of_birth }); // expect: CG101
  plog.warn({ phone: c.phone_number }, "x"); // expect: CG101
  const line = "address: " + c.home_address;
  console.info(line); // expect: CG101
  console.log(user["password"]); // expect: CG101
  console.log(JSON.stringify({ acct: c.account_number })); // expect: CG101
  console.log(req.headers.authorization); // expect: CG101
  throw new Error(`bad ssn ${c.ssn}`); // expect: CG102
}

export function negatives(c: any, user: any, config: any) {
  console.log(redact(c.ssn));
  console.log(user.passwordHash);
  console.log(config.passwordPolicy);
  console.log(config.tokenType);
  console.log(config.maxTokens);
  console.log("Enter your password");
  console.log(c.email.length);
  console.log(c.ssn === undefined);
  console.log(typeof c.email);
  console.log(c.id);
  throw new Error(`bad customer ${c.id}`);
}
