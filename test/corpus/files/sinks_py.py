import mlflow
import wandb
from huggingface_hub import HfApi
from openai import OpenAI
from torch.utils.tensorboard import SummaryWriter
import pandas as pd

client = OpenAI()
writer = SummaryWriter()


def positives(c, chain, query_engine, ds):
    raise ValueError(f"no account for {c.ssn}")  # expect: CG102
    mlflow.log_param("example", c.email)  # expect: CG103
    mlflow.log_dict({"row": c.home_address}, "row.json")  # expect: CG103
    wandb.log({"sample": c.phone_number})  # expect: CG103
    writer.add_text("sample", c.date_of_birth)  # expect: CG103
    client.chat.completions.create(model="m", messages=[{"role": "user", "content": c.email}])  # expect: CG104
    client.responses.create(model="m", input=f"Summarise {c.home_address}")  # expect: CG104
    chain.invoke({"q": c.ssn})  # expect: CG104
    query_engine.query(f"account {c.account_number}")  # expect: CG104
    customers = pd.read_csv("s3://corp-data/customers/all.csv")
    HfApi().upload_file(path_or_fileobj="s3://corp-data/customers/all.csv", repo_id="corp/x")  # expect: CG105
    customers.to_parquet("out.parquet")
    ds.push_to_hub(c.email)  # expect: CG105


def negatives(c, chain, run_id):
    raise ValueError(f"no account for {c.id}")
    mlflow.log_metric("loss", 0.1)
    mlflow.log_param("lr", 2e-4)
    wandb.log({"loss": 0.1, "step": 3})
    writer.add_scalar("loss", 0.1)
    client.chat.completions.create(model="m", messages=[{"role": "user", "content": "What is our refund policy?"}])
    chain.invoke({"q": "reset my password please"})
    faq = pd.read_csv("s3://corp-data/public/faq.csv")
    HfApi().upload_file(path_or_fileobj="s3://corp-data/public/faq.csv", repo_id="corp/faq")
    print("s3://corp-data/customers/ is the customer bucket")
