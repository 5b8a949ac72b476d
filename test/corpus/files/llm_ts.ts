import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { generateText, streamText } from "ai";
import { ChatPromptTemplate } from "@langchain/core/prompts";

const openai = new OpenAI();
const anthropic = new Anthropic();

export async function positives(c: any, chain: any) {
  await openai.chat.completions.create({ model: "m", messages: [{ role: "user", content: `hi ${c.email}` }] }); // expect: CG104
  await anthropic.messages.create({ model: "m", max_tokens: 10, messages: [{ role: "user", content: c.home_address }] }); // expect: CG104
  await generateText({ model: "m", prompt: "Summarise " + c.ssn }); // expect: CG104
  await streamText({ model: "m", prompt: `dob ${c.date_of_birth}` }); // expect: CG104
  await chain.invoke({ question: c.phone_number }); // expect: CG104
  ChatPromptTemplate.fromMessages([["human", c.account_number]]); // expect: CG104
}

export async function negatives(c: any, chain: any) {
  await openai.chat.completions.create({ model: "m", messages: [{ role: "user", content: "What is the refund policy?" }] });
  await generateText({ model: "m", prompt: `Customer ${c.id} asked about pricing` });
  await chain.invoke({ question: "How do I reset my password?" });
}
