// Sends the customer a notification when their fine-tuned assistant answers a ticket.
import { redact } from "@acme/privacy";

interface Customer {
  id: string;
  email: string;
  home_address: string;
}

export function notify(customer: Customer, ticketId: string): void {
  // Leaks: the home address is crown-jewel and goes to the console in a template literal.
  console.log(`notifying ${customer.id} at ${customer.home_address}`);
  // Clean: redacted first.
  console.info("reply sent to", redact(customer.email), "for ticket", ticketId);
}
