import logging
import sys
import warnings

import structlog
from loguru import logger as loguru_logger

from corp.privacy import redact

log = logging.getLogger(__name__)
slog = structlog.get_logger()


def positives(c, row, user, vault, config):
    log.info("ssn %s", c.ssn)  # expect: CG101
    log.error(f"email {row['email']}")  # expect: CG101
    logging.warning("dob %s", row.get("date_of_birth"))  # expect: CG101
    print(user.password)  # expect: CG101
    sys.stdout.write(c.home_address)  # expect: CG101
    warnings.warn(f"bad phone {c.phone_number}")  # expect: CG101
    loguru_logger.info("acct {}", c.account_number)  # expect: CG101
    slog.info("login", password=user.password)  # expect: CG101
    msg = "user %s" % c.email
    log.debug(msg)  # expect: CG101
    text = "{} lives at {}".format(c.id, c.home_address)
    log.info(text)  # expect: CG101
    log.info("key " + vault.get_api_key())  # expect: CG101
    log.info("token %s", config["access_token"])  # expect: CG101


def negatives(c, user, config, rows, tokenizer, batch):
    log.info("ssn %s", redact(c.ssn))
    log.info("hash %s", user.password_hash)
    log.info("hashed %s", user.hashed_password)
    log.info("policy %s", config.password_policy)
    log.info("min length %d", config.password_min_length)
    log.info("token type %s", config.token_type)
    log.info("token ids %s", batch.input_ids)
    log.info("num tokens %d", tokenizer.num_tokens)
    log.info("max_tokens %d", config.max_tokens)
    log.info("secret name %s", config.secret_name)
    log.info("api key path %s", config.api_key_path)
    log.info("api key env var %s", config.api_key_env_var)
    log.info("email field %s", config.email_field)
    log.info("label: %s", "Password")
    log.info("masked %s", c.masked_email)
    log.info("count %d", len(rows))
    log.info("has ssn %s", c.ssn is not None)
    log.info("customer id %s", c.id)
    log.info("uuid %s", c.uuid)
    print("Enter your password:")
    print(f"{len(c.email)} characters")


def review_additions(c, config, rows, df):
    from pprint import pprint
    import litellm
    import openai
    pprint(c.ssn)  # expect: CG101
    logging.getLogger(__name__).info("acct %s", c.account_number)  # expect: CG101
    openai.ChatCompletion.create(model="m", messages=[{"role": "user", "content": c.email}])  # expect: CG104
    litellm.completion(model="m", messages=[{"role": "user", "content": c.home_address}])  # expect: CG104
    log.info("verified %s", c.email_verified)
    log.info("cwd %s", pwd)
    log.info("remote %s", "git@github.com:acme/models.git")
    log.info("nulls %d", df["email"].isna().sum())
    log.info("distinct %d", df.email.nunique())
