"""Run the Casework example: python examples/casework/run.py (http://127.0.0.1:8000)."""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parent))

from casework import create_app  # found beside this file

if __name__ == "__main__":
    uvicorn.run(create_app(), host="127.0.0.1", port=8000)
