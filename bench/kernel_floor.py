#!/usr/bin/env python3
"""The kernel's share of an upload, with no server around it: receive SIZE_MIB over loopback TCP
into a page-aligned 1 MiB buffer and write it to 8 MiB files with O_DIRECT, fsyncing each file (what
`cairn server` does per part, minus HTTP, hashing and metadata). Prints the receiving process's
system CPU seconds per GB: a floor for any server's non-hashing CPU on this machine.

    python3 bench/kernel_floor.py [SIZE_MIB=1024] [DIR=/tmp]
"""
import mmap
import os
import resource
import socket
import sys
import tempfile

size_mib = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
root = tempfile.mkdtemp(dir=sys.argv[2] if len(sys.argv) > 2 else "/tmp")
total = size_mib << 20
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(1)
port = listener.getsockname()[1]

pid = os.fork()
if pid == 0:  # the sender
    listener.close()
    s = socket.create_connection(("127.0.0.1", port))
    chunk = os.urandom(1 << 20)
    for _ in range(size_mib):
        s.sendall(chunk)
    s.close()
    os._exit(0)

conn, _ = listener.accept()
buf = mmap.mmap(-1, 1 << 20)  # page-aligned, as O_DIRECT needs
view = memoryview(buf)
before = resource.getrusage(resource.RUSAGE_SELF)
received, file_no, fd, in_file = 0, 0, -1, 0
while received < total:
    filled = 0
    while filled < len(buf) and received + filled < total:
        n = conn.recv_into(view[filled:])
        if n == 0:
            break
        filled += n
    if fd < 0:
        fd = os.open(f"{root}/{file_no}", os.O_WRONLY | os.O_CREAT | os.O_DIRECT, 0o644)
    os.pwrite(fd, view[:filled], in_file)
    received += filled
    in_file += filled
    if in_file >= 8 << 20 or received >= total:
        os.fsync(fd)
        os.close(fd)
        fd, in_file, file_no = -1, 0, file_no + 1
after = resource.getrusage(resource.RUSAGE_SELF)
os.waitpid(pid, 0)
for name in os.listdir(root):
    os.unlink(f"{root}/{name}")
os.rmdir(root)
gb = total / 1e9
print(f"received and wrote {size_mib} MiB: system CPU-s/GB {(after.ru_stime - before.ru_stime) / gb:.2f} "
      f"(user {(after.ru_utime - before.ru_utime) / gb:.2f}, Python's own)")
