#!/usr/bin/env bash
# Prints the path of a Python interpreter of the given minor version (e.g. 3.12), or fails.
set -euo pipefail
want="$1"
for cand in "python$want" "$HOME/.pyenv/versions/$want"*/bin/python"$want" "/usr/local/bin/python$want" "/usr/bin/python$want"; do
  if path=$(command -v "$cand" 2>/dev/null) && "$path" -c "import sys; assert sys.version.startswith('$want')" 2>/dev/null; then
    echo "$path"; exit 0
  fi
done
echo "Python $want not found: install it (e.g. 'pyenv install $want') and try again." >&2
exit 1
