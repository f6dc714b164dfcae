"""``qcity`` for the docs tests without its start-up each time: a fork server.

The docs pages and the README tour type some 170 ``qcity`` commands; most of each one's
time is the start-up (importing pandas, numpy, SQLAlchemy and qcity), not the command.
``serve SOCKET`` imports them once, as the ``qcity`` script does (pandas without pyarrow,
``qcity.__main__``) and every module of qcity, then listens on a Unix socket. ``client`` is
what the shell runs as ``qcity`` (the docs' ``bin/qcity``, ``demo_cache`` in
tests/conftest.py): it sends its
arguments, working folder, environment and its standard input, output and error (the file
descriptors themselves) to the server, which forks a process that takes them over and runs
``qcity.__main__.main()``, exactly what the ``qcity`` script runs; the client leaves with
that process's exit status (or its signal), and passes on the SIGINT, SIGTERM and SIGHUP it
receives (``qcity serve &`` then ``kill``). So a page's commands still run in a shell, in
processes of their own, with their own arguments, folder, environment and pipes; only the
imports happened before. When the server is not there (not started yet, or gone) the
client runs the real ``qcity``.

Nothing in qcity may read the environment or the working folder when a module is
imported (the forked process gets them afterwards); they are read when a command runs.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import sys
import threading

HEADER = struct.Struct("!Q")
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _read(conn: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError("the client left")
        data += chunk
    return data


def _run(request: dict[str, object], fds: list[int]) -> None:
    """In the forked process: take over the client's descriptors, folder, environment and
    arguments, then run what the ``qcity`` script runs (it leaves with ``os._exit``)."""
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    for sig in (*FORWARDED, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.chdir(str(request["cwd"]))
    os.environ.clear()
    os.environ.update(dict(request["env"]))  # type: ignore[call-overload]
    sys.argv = list(request["argv"])  # type: ignore[call-overload]
    from qcity.__main__ import main

    main()


def _handle(conn: socket.socket) -> None:
    """In a process forked per client: fork the command, pass on the client's signals,
    send back the command's wait status."""
    header, fds, _, _ = socket.recv_fds(conn, HEADER.size, 3)
    request = json.loads(_read(conn, HEADER.unpack(_read_rest(conn, header))[0]))
    pid = os.fork()
    if pid == 0:
        try:
            conn.close()
            _run(request, fds)
        finally:
            os._exit(1)  # reached only if the command could not start
    for fd in fds:
        os.close(fd)

    def forward() -> None:
        while True:
            try:
                data = conn.recv(1)
            except OSError:
                data = b""
            if not data:  # the client is gone: so is its command
                os.kill(pid, signal.SIGTERM)
                return
            os.kill(pid, data[0])

    threading.Thread(target=forward, daemon=True).start()
    _, status = os.waitpid(pid, 0)
    conn.sendall(HEADER.pack(status))
    os._exit(0)


def _read_rest(conn: socket.socket, start: bytes) -> bytes:
    return start + _read(conn, HEADER.size - len(start)) if len(start) < HEADER.size else start


def _import_every_module() -> None:
    """Import every module of qcity (and so what each imports: Alembic, openpyxl, the
    engine, the report's libraries), as the commands import them when they run: a forked
    command then finds them imported (1-2 s of imports each otherwise). Not the migration
    scripts, which Alembic runs itself; no module starts a thread on import (checked by
    tests/test_docs.py), so forking stays safe."""
    import importlib
    import pkgutil

    import qcity

    for module in pkgutil.walk_packages(qcity.__path__, "qcity."):
        if module.name != "qcity.__main__" and not module.name.startswith("qcity.data.migrations"):
            importlib.import_module(module.name)


def serve(path: str) -> None:
    """Import what every command imports, then fork a handler per connection."""
    from qcity.__main__ import import_pandas_without_arrow

    import_pandas_without_arrow()
    import qcity.cli  # noqa: F401  (the commands, their options and what they import)

    _import_every_module()

    listener = socket.socket(socket.AF_UNIX)
    listener.bind(path + ".new")
    listener.listen(64)
    os.rename(path + ".new", path)  # clients see the socket only when it is listening
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # handlers are reaped at once
    parent = os.getppid()
    listener.settimeout(5)
    while True:
        try:
            conn, _ = listener.accept()
        except TimeoutError:
            if os.getppid() != parent:  # the test session is gone without stopping us
                return
            continue
        if os.fork() == 0:
            try:
                listener.close()
                conn.settimeout(None)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                _handle(conn)
            finally:
                os._exit(1)  # a handler never returns to this loop
        conn.close()


def client(path: str, real: str, args: list[str]) -> None:
    """What the shell runs as ``qcity``: the command through the server at ``path``, else
    the real ``qcity`` script ``real``."""
    conn = socket.socket(socket.AF_UNIX)
    try:
        conn.connect(path)
    except OSError:
        os.execv(real, [real, *args])
    fds = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
            fds.append(fd)
        except OSError:  # a closed descriptor: the command gets /dev/null
            fds.append(os.open(os.devnull, os.O_RDWR))
    payload = json.dumps({"argv": [real, *args], "cwd": os.getcwd(), "env": dict(os.environ)})
    data = payload.encode("utf-8")
    socket.send_fds(conn, [HEADER.pack(len(data))], fds)
    conn.sendall(data)
    for sig in FORWARDED:
        signal.signal(sig, lambda signum, _frame: conn.send(bytes([signum])))
    status = HEADER.unpack(_read(conn, HEADER.size))[0]
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
    os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 1)


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2])
    else:
        client(sys.argv[2], sys.argv[3], sys.argv[4:])
