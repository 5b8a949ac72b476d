"""Builds the supervised fine-tuning set from support tickets joined with customer profiles."""
import json
import logging

from acme_privacy import redact

logger = logging.getLogger(__name__)


def build_example(ticket, customer):
    # Leaks: the customer's SSN goes into the log through a local variable and an f-string.
    summary = f"ticket {ticket.id} for customer {customer.ssn}"
    logger.info(summary)

    # Clean: the e-mail passes through the declared redaction function first.
    logger.debug("routing reply to %s", redact(customer.email))

    return {"prompt": ticket.ticket_body, "completion": ticket.resolution}


def write_dataset(examples, path):
    with open(path, "w") as out:
        for example in examples:
            out.write(json.dumps(example) + "\n")
    logger.info("wrote %d examples to %s", len(examples), path)
