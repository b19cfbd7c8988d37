"""Figure helpers shared by the chapters."""
import matplotlib.pyplot as plt

TRAIN_COLOR, VAL_COLOR = "tab:blue", "tab:orange"


def plot_history(history, metric: str = "loss", ax=None, label: str = ""):
    """Plot training and validation `metric` per epoch from a Keras History (or its .history dict)."""
    curves = getattr(history, "history", history)
    ax = ax if ax is not None else plt.gca()
    epochs = range(1, len(curves[metric]) + 1)
    prefix = f"{label} " if label else ""
    ax.plot(epochs, curves[metric], color=TRAIN_COLOR, label=f"{prefix}training")
    if f"val_{metric}" in curves:
        ax.plot(epochs, curves[f"val_{metric}"], color=VAL_COLOR, label=f"{prefix}validation")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.legend()
    return ax
