"""Launches the LoRA fine-tuning run and reports progress."""
import logging

log = logging.getLogger("train")


def report(run, customer_record):
    # Leaks: a crown-jewel field straight into a print, and the account number into the log.
    print("first sample belongs to", customer_record["date_of_birth"])
    log.warning("sample account: %s", customer_record.get("account_number"))
    # Clean: counts and ids say nothing about a customer.
    log.info("run %s finished after %d steps", run.id, run.steps)
