"""eligibility: rules-as-data eligibility checks for US medical coding certifications.

The data flows one way, one module per step:

    file --(profile)--> validated profile --(facts)--> derived facts
         --(evaluate, over rules from rules)--> result tree --(explain)--> explanation --(render)--> text/JSON

Everything the command line does is available from Python; start with :func:`eligibility.api.check_profile`.

When Python may not write bytecode (``PYTHONDONTWRITEBYTECODE=1`` or ``-B``), every module of an
editable install is compiled from source on every start (about 0.1 s of an ``eligibility check``).
Importing this package then keeps the compiled code of its own modules, and of nothing else, in
``bytecode/`` of the rule cache directory (never beside the sources, never read from a folder
another user can write to). ``ELIGIBILITY_NO_CACHE=1`` turns it off with the rule cache.
"""

from __future__ import annotations

import contextlib
import os
import sys

__version__ = "0.1.0"

_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def cache_root() -> str | None:
    """The cache directory (rule cache and compiled modules); None when caching is off.

    ``$ELIGIBILITY_CACHE_DIR``, else ``$XDG_CACHE_HOME/eligibility``, else
    ``~/.cache/eligibility``; ``ELIGIBILITY_NO_CACHE`` set to anything turns caching off.
    Plain ``os.path`` so that deciding costs nothing at import time.
    """
    if os.environ.get("ELIGIBILITY_NO_CACHE"):
        return None
    if os.environ.get("ELIGIBILITY_CACHE_DIR"):
        return os.environ["ELIGIBILITY_CACHE_DIR"]
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        home = os.path.expanduser("~")
        if home == "~":  # no home directory to be found
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "eligibility")


def _install_bytecode_cache() -> None:
    """Serve this package's submodules from compiled code kept in the cache, when Python won't.

    Only when ``sys.dont_write_bytecode`` is set (otherwise Python's own ``__pycache__`` does
    this), caching is on and the interpreter has bytecode at all. One finder is put at the front
    of ``sys.meta_path``; it answers only for ``eligibility.<name>`` whose ``<name>.py`` is in this
    package's directory, and leaves every other import to Python.
    """
    tag = sys.implementation.cache_tag
    root = cache_root()
    if not sys.dont_write_bytecode or tag is None or root is None:
        return
    if any(isinstance(finder, _BytecodeFinder) for finder in sys.meta_path):
        return
    folder = os.path.join(root, "bytecode")
    sys.meta_path.insert(0, _BytecodeFinder(folder, tag))


class _BytecodeFinder:
    """A meta path finder for this package's own ``.py`` submodules only (see above)."""

    def __init__(self, folder: str, tag: str) -> None:
        self.folder = folder
        self.tag = tag
        self._trusted: bool | None = None
        self._loader = _loader_class()
        self._files: dict[str, object] = {}  # a finder per folder of the package

    def find_spec(self, fullname: str, path=None, target=None):
        if not fullname.startswith(__name__ + ".") or path is None:
            return None
        folders = [os.path.abspath(entry) for entry in path]
        here = next((f for f in folders if f == _PACKAGE or f.startswith(_PACKAGE + os.sep)), None)
        if here is None:
            return None
        if here not in self._files:
            from importlib.machinery import FileFinder

            loader = self._loader
            self._files[here] = FileFinder(
                here, (lambda name, file: loader(name, file, self), [".py"])
            )
        spec = self._files[here].find_spec(fullname, target)  # type: ignore[attr-defined]
        return spec if spec is not None and spec.loader is not None else None

    def invalidate_caches(self) -> None:
        for finder in self._files.values():
            finder.invalidate_caches()  # type: ignore[attr-defined]

    def trusted(self) -> bool:
        """Whether compiled code may be read from the folder: it is ours and only we can write it.

        Code read from there runs, so a folder another user could write to is never read from.
        """
        if self._trusted is None:
            try:
                status = os.stat(self.folder)
            except OSError:
                return False  # not there (yet): nothing to read, and made below on first write
            owner_ok = not hasattr(os, "getuid") or status.st_uid == os.getuid()
            self._trusted = owner_ok and not status.st_mode & 0o022
        return self._trusted

    def entry(self, fullname: str, checkout: str) -> str:
        """The entry's file: one per module, Python and checkout (so checkouts do not take turns)."""
        return os.path.join(self.folder, f"{fullname}.{checkout}.{self.tag}.bin")


def _loader_class():
    """The loader class, made on first use so that ``import eligibility`` stays cheap."""
    import marshal
    from importlib.machinery import SourceFileLoader

    try:  # CPython's own BLAKE2: hashlib would first load OpenSSL (~4 ms of every start-up)
        from _blake2 import blake2b
    except ImportError:  # pragma: no cover - other interpreters
        from hashlib import blake2b

    from importlib.util import MAGIC_NUMBER

    checkout = blake2b(os.fsencode(_PACKAGE), digest_size=6).hexdigest()

    class BytecodeLoader(SourceFileLoader):
        """Python's source loader, with compiled code kept in the cache under a hash of the source.

        An entry is ``key + checksum + marshal(code)``; the key hashes the interpreter's bytecode
        magic number, the optimisation level, the source path and the source bytes, so an edited
        file, another Python or another checkout never uses it; the checksum guards against a
        damaged entry. Any problem reading or writing costs time only: the code is compiled.
        """

        def __init__(self, fullname: str, path: str, finder: _BytecodeFinder) -> None:
            super().__init__(fullname, path)
            self.finder = finder

        def get_code(self, fullname: str):
            path = self.get_filename(fullname)
            source = self.get_data(path)
            key = blake2b(
                MAGIC_NUMBER + bytes([sys.flags.optimize]) + os.fsencode(path) + b"\0" + source
            ).digest()
            entry = self.finder.entry(fullname, checkout)
            if self.finder.trusted():
                try:
                    with open(entry, "rb") as handle:
                        data = handle.read()
                    payload = memoryview(data)[96:]
                    if (
                        data[:64] == key
                        and data[64:96] == blake2b(payload, digest_size=32).digest()
                    ):
                        return marshal.loads(payload)
                except (OSError, ValueError, EOFError, TypeError):
                    pass
            code = self.source_to_code(source, path)
            self._store(entry, key, marshal.dumps(code))
            return code

        def _store(self, entry: str, key: bytes, payload: bytes) -> None:
            """Write one entry atomically (a temporary file, then a rename); never raise."""
            temporary = f"{entry}.{os.getpid()}.tmp"
            try:
                # the cache folder first: makedirs gives only the last folder the mode asked for
                os.makedirs(os.path.dirname(self.finder.folder), mode=0o700, exist_ok=True)
                os.makedirs(self.finder.folder, mode=0o700, exist_ok=True)
                if not self.finder.trusted():
                    return  # a folder others can write to is neither read nor written
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                descriptor = os.open(temporary, flags, 0o600)
                with open(descriptor, "wb") as out:
                    out.write(key + blake2b(payload, digest_size=32).digest() + payload)
                os.replace(temporary, entry)
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)

    return BytecodeLoader


_install_bytecode_cache()
