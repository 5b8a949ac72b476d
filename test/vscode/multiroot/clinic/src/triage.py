import logging

log = logging.getLogger(__name__)


def triage(patient):
    log.info(f"triaging {patient.diagnosis}")
