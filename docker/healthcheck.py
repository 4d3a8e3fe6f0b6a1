"""Container health check: exit 0 when /healthz on this container answers 200, else 1.

Standard library only, since the slim image has no curl. Prints the answer so
``docker inspect`` shows which part (database, cache) failed.
"""

import os
import sys
import urllib.error
import urllib.request

URL = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz"


def main() -> int:
    try:
        with urllib.request.urlopen(URL, timeout=5) as response:
            print(response.read().decode())
            return 0 if response.status == 200 else 1
    except urllib.error.HTTPError as error:
        print(error.read().decode())
    except OSError as error:
        print(f"{URL}: {error}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
