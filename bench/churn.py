"""churn.csv as the service sees it: the target column, numbers with missing values filled by the
median, categoricals one-hot encoded (shared by the Python side of bench:e2e and bench:prune)."""
import pandas as pd


def load_churn(path):
    df = pd.read_csv(path)
    y = df.pop("Churn").to_numpy()
    num = df.select_dtypes("number")
    X = pd.concat([num.fillna(num.median()), pd.get_dummies(df.select_dtypes(exclude="number"))], axis=1).to_numpy(dtype=float)
    return X, y
