"""Executes one Jupyter notebook with nbclient; used by the Go package nbrun.

Usage: python3 execute.py --kernel NAME --deadline SECONDS --cell-timeout SECONDS
                          --out OUT.ipynb --status STATUS.json [--html OUT.html] IN.ipynb

The executed notebook is always written to --out, also when a cell fails or times
out, so that the caller can inspect the outputs. --status receives a JSON object:
{"ok": bool, "kind": "", "cell": index (0-based, -1 if none), "message": ""}.
Judging the outputs (compile errors, panics, printed errors) is left to the caller.
"""
import argparse
import json
import os
import signal
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--deadline", type=float, required=True)
    ap.add_argument("--cell-timeout", type=float, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--status", required=True)
    ap.add_argument("--html", default="")
    ap.add_argument("notebook")
    args = ap.parse_args()

    nb = nbformat.read(args.notebook, as_version=4)
    end = time.monotonic() + args.deadline
    current = {"cell": -1}

    def on_cell_start(cell, cell_index, **_):
        current["cell"] = cell_index

    def timeout_func(cell):
        left = end - time.monotonic()
        # Fractional seconds; never 0 (nbclient reads 0 as "no timeout").
        return max(0.1, min(args.cell_timeout, left))

    client = NotebookClient(
        nb,
        kernel_name=args.kernel,
        timeout_func=timeout_func,
        allow_errors=False,
        record_timing=False,
        on_cell_start=on_cell_start,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(args.notebook))}},
    )
    def on_term(signum, frame):
        raise KeyboardInterrupt("terminated by signal %d" % signum)

    signal.signal(signal.SIGTERM, on_term)  # shut the kernel down on the way out

    status = {"ok": True, "kind": "", "cell": -1, "message": ""}
    try:
        client.execute()
    except CellExecutionError as e:
        status = {"ok": False, "kind": "error", "cell": current["cell"], "message": str(e)}
    except CellTimeoutError as e:
        status = {"ok": False, "kind": "timeout", "cell": current["cell"], "message": str(e)}
    except DeadKernelError as e:
        status = {"ok": False, "kind": "dead kernel", "cell": current["cell"], "message": str(e)}
    except (Exception, KeyboardInterrupt) as e:  # kernel failed to start, terminated, ...
        status = {"ok": False, "kind": type(e).__name__, "cell": current["cell"], "message": str(e)}
    finally:
        nbformat.write(nb, args.out)
        if args.html:
            from nbconvert import HTMLExporter
            body, _ = HTMLExporter().from_notebook_node(nb)
            with open(args.html, "w", encoding="utf-8") as f:
                f.write(body)
        with open(args.status, "w", encoding="utf-8") as f:
            json.dump(status, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
