"""A child process for the crash and concurrency tests: appends in a loop, printing each acknowledged seq.

Usage: python journal_worker.py SESSION COUNT ACTOR   (COUNT 0 = until killed)
A seq is printed (and flushed) only after append() returned, i.e. after write + fsync.
"""

import sys

from launchpad.store.session_file import open_for_append


def main() -> None:
    path, count, actor = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    session = open_for_append(path, actor=actor)
    index = 0
    while count == 0 or index < count:
        index += 1
        payload = {"note": f"{actor} action {index}", "n": index}
        entry = session.append("check" if index % 2 else "uncheck", f"item-{index % 17}", payload)
        sys.stdout.write(f"{entry.seq}\n")
        sys.stdout.flush()
    session.close()


if __name__ == "__main__":
    main()
