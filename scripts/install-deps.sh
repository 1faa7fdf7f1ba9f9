#!/usr/bin/env bash
# Installs what Taizhang needs on a fresh Debian machine (run as root): the C libraries it is built on
# (libxml2, libzip), and the real spreadsheet clients its tests open files with (LibreOffice, gnumeric,
# openpyxl, XlsxWriter, python-calamine, openxml-audit (ECMA-376 and Excel's rules), libxlsxwriter for the
# benchmark). Safe to run again.
set -euo pipefail

packages=(pkg-config libxml2-dev libzip-dev libxlsxwriter-dev libreoffice-calc-nogui gnumeric unzip zip time poppler-utils fonts-noto-cjk)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "安装系统软件包：${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python_modules=(openpyxl xlsxwriter python_calamine jsonschema openxml_audit)
pip_names=(openpyxl xlsxwriter python-calamine jsonschema openxml-audit)
need=()
for i in "${!python_modules[@]}"; do
  python3 -c "import ${python_modules[$i]}" >/dev/null 2>&1 || need+=("${pip_names[$i]}")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "安装 Python 模块：${need[*]}"
  python3 -m pip install -q --root-user-action=ignore "${need[@]}"
fi
