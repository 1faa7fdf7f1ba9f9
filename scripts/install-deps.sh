#!/usr/bin/env bash
# Installs what Taizhang needs on a fresh Debian machine (run as root). Safe to run again.
#   install-deps.sh build   the C libraries it is built on (libxml2, libzip): all the main job needs
#   install-deps.sh         those, and the real clients its tests open files with (LibreOffice and the fonts
#                           and PDF tools to look at what it prints, gnumeric, openpyxl, XlsxWriter,
#                           python-calamine, xlrd (legacy .xls agreement), openxml-audit for ECMA-376 and Excel's rules, jsonschema,
#                           libxlsxwriter for the benchmark; for the web workbench: chromium, chromium-driver
#                           and selenium for the browser test, wrk for its load benchmark)
set -euo pipefail
mode="${1:-test}"

packages=(pkg-config libxml2-dev libzip-dev)
if [ "$mode" != "build" ]; then
  packages+=(libxlsxwriter-dev libreoffice-calc-nogui libreoffice-writer-nogui gnumeric unzip zip time poppler-utils
             fonts-noto-cjk fonts-arphic-ukai groff-base)
  packages+=(chromium chromium-driver wrk)
fi
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

if [ "$mode" = "build" ]; then exit 0; fi

# The official fonts the Word documents name (仿宋_GB2312, 楷体_GB2312, 黑体 …) are not in Debian: tell fontconfig
# which installed fonts stand in for them (Noto CJK, AR PL UKai), so LibreOffice renders them alike everywhere.
fonts_conf=/etc/fonts/conf.d/65-taizhang-official-fonts.conf
if ! cmp -s "$(dirname "$0")/fonts/65-taizhang-official-fonts.conf" "$fonts_conf"; then
  install -m 0644 "$(dirname "$0")/fonts/65-taizhang-official-fonts.conf" "$fonts_conf"
  fc-cache -f >/dev/null 2>&1 || true
fi

python_modules=(openpyxl xlsxwriter python_calamine jsonschema openxml_audit xlrd selenium)
pip_names=(openpyxl xlsxwriter python-calamine jsonschema openxml-audit xlrd selenium)
need=()
for i in "${!python_modules[@]}"; do
  python3 -c "import ${python_modules[$i]}" >/dev/null 2>&1 || need+=("${pip_names[$i]}")
done
if [ "${#need[@]}" -gt 0 ]; then
  echo "安装 Python 模块：${need[*]}"
  python3 -m pip install -q --root-user-action=ignore "${need[@]}"
fi
