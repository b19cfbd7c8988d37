"""The course's Jupyter kernel: `python -m regcourse.kernel` installs it into the current venv.

It replaces the venv's default "python3" kernel, so every notebook (book, exercises,
nbgrader's grading) runs with it. Two differences from the default:

- output that C libraries write straight to the process's stderr (TensorFlow's start-up
  logs) goes to the terminal instead of into the notebook: nbgrader counts any stderr
  output in a test cell as a failure, so a log line would cost a correct answer its points;
- TensorFlow's own logging is limited to errors.
"""
import json
import sys
from pathlib import Path

KERNEL_NAME = "python3"


def kernel_spec() -> dict:
    """The kernel.json contents for this interpreter."""
    return {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                 "--IPKernelApp.capture_fd_output=False"],
        "display_name": "Python 3 (regularization course)",
        "language": "python",
        "env": {"TF_CPP_MIN_LOG_LEVEL": "2"},
        "metadata": {"debugger": True},
        "kernel_protocol_version": "5.5",
    }


def install(prefix: Path = Path(sys.prefix)) -> Path:
    """Write the kernel spec under prefix/share/jupyter/kernels/ and return its folder."""
    folder = prefix / "share" / "jupyter" / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kernel.json").write_text(json.dumps(kernel_spec(), indent=1) + "\n")
    return folder


if __name__ == "__main__":
    print(f"installed the course kernel in {install()}")
