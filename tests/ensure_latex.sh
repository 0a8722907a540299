#!/usr/bin/env bash
# Make sure the TeX Live subset that `make pdf` needs is there: xelatex and latexmk, the LaTeX
# packages of Sphinx's and sphinx-jupyterbook-latex's classes, the fonts they typeset with,
# and poppler's pdftotext, pdfimages and pdffonts for the PDF's test (tests/test_pdf.py). On
# Debian as root this installs it with apt, without recommends (32 packages, 114 MB);
# anywhere else it stops with the one command to run. It never lets the PDF be skipped.
#
#   bash tests/ensure_latex.sh               install now if needed (waits for a background install)
#   bash tests/ensure_latex.sh --background  start the install in the background if needed, return at once
#
# `make test` starts the install in the background before its first target, so that dpkg
# unpacks and TeX Live builds its formats on the core that the single-process unit tests and
# nbval leave idle; `make pdf` then waits for it. The background install logs to
# _build/ensure_latex.log.
#
# The set is what the book's build reads (latexmk -recorder, each file traced to its Debian
# package with dpkg -S): texlive-xetex (xelatex; it pulls in texlive-latex-extra, which has
# fncychap, titlesec, tabulary, framed, capt-of, needspace, wrapfig, ..., and texlive-pictures,
# which has tikz and pgfplots), texlive-latex-recommended (fontspec, unicode-math),
# texlive-fonts-recommended (rsfs, for mathrsfs), fonts-freefont-otf (FreeSerif, FreeSans and
# FreeMono: Sphinx's xelatex fonts), fonts-lmodern (Latin Modern Math, for unicode-math).
# texlive-fonts-extra (500 MB) is not needed: tools/latex/bbm.sty stands in for its bbm.
#
# Installing TeX Live ends with building a format for every engine and LaTeX variant it
# ships (fmtutil-sys --all: 20 formats, about a minute of CPU); the book needs only xelatex's.
# When this script is the one installing TeX Live and there is no local format configuration
# yet, it first writes /etc/texmf/web2c/fmtutil.cnf, TeX Live's place for local changes,
# disabling the pdfTeX, LuaTeX and -dev LaTeX formats (plain TeX, e-TeX, pdfTeX, METAFONT and
# XeTeX's formats are still built). `fmtutil-sys --enablefmt NAME` brings one back.
set -euo pipefail

cd "$(dirname "$0")/.."
PACKAGES=(texlive-xetex texlive-latex-recommended texlive-latex-extra texlive-pictures
          texlive-fonts-recommended latexmk fonts-freefont-otf fonts-lmodern poppler-utils)
STATE=${ENSURE_LATEX_DIR:-_build}
LOG=$STATE/ensure_latex.log
PIDFILE=$STATE/ensure_latex.pid
STATUS=$STATE/ensure_latex.status
LOCAL_FMTUTIL=/etc/texmf/web2c/fmtutil.cnf

missing() {
    local cmd file font
    for cmd in xelatex latexmk kpsewhich pdftotext pdfimages pdffonts pdfinfo fc-list; do
        command -v "$cmd" >/dev/null || { echo "the command $cmd"; return 0; }
    done
    for file in fncychap.sty titlesec.sty tabulary.sty framed.sty capt-of.sty needspace.sty \
                wrapfig.sty upquote.sty varwidth.sty changepage.sty tikz.sty pgfplots.sty \
                fontspec.sty unicode-math.sty ucharclasses.sty mathrsfs.sty rsfs10.tfm \
                latinmodern-math.otf; do
        [[ -n $(kpsewhich "$file" 2>/dev/null) ]] || { echo "the TeX file $file"; return 0; }
    done
    for font in FreeSerif FreeSans FreeMono; do
        [[ -n $(fc-list ":family=$font" 2>/dev/null) ]] || { echo "the font $font"; return 0; }
    done
    [[ -n $(kpsewhich -engine=xetex -progname=xelatex xelatex.fmt 2>/dev/null) ]] || { echo "the xelatex format"; return 0; }
    return 1
}

can_install() {
    [[ -r /etc/debian_version && $(id -u) -eq 0 ]] && command -v apt-get >/dev/null
}

install() {
    export DEBIAN_FRONTEND=noninteractive
    local start=$SECONDS
    if ! command -v tex >/dev/null && [[ ! -e $LOCAL_FMTUTIL ]]; then
        mkdir -p "$(dirname "$LOCAL_FMTUTIL")"
        {
            echo "# Written by the initreg book's tests/ensure_latex.sh when it installed TeX Live:"
            echo "# formats the book does not use, disabled (TeX Live's '#!' lines). To build one:"
            echo "#   fmtutil-sys --enablefmt NAME"
            cat <<'FORMATS'
#! latex pdftex language.dat -translate-file=cp227.tcx *latex.ini
#! pdflatex pdftex language.dat -translate-file=cp227.tcx *pdflatex.ini
#! latex-dev pdftex language.dat -translate-file=cp227.tcx *latex.ini
#! pdflatex-dev pdftex language.dat -translate-file=cp227.tcx *pdflatex.ini
#! xelatex-dev xetex language.dat -etex xelatex.ini
#! lualatex luahbtex language.dat,language.dat.lua lualatex.ini
#! lualatex-dev luahbtex language.dat,language.dat.lua lualatex.ini
#! luahbtex luahbtex language.def,language.dat.lua luatex.ini
#! luatex luatex language.def,language.dat.lua luatex.ini
#! dviluatex luatex language.def,language.dat.lua dviluatex.ini
#! dvilualatex luatex language.dat,language.dat.lua dvilualatex.ini
#! dvilualatex-dev luatex language.dat,language.dat.lua dvilualatex.ini
FORMATS
        } > "$LOCAL_FMTUTIL"
    fi
    # one apt at a time: the JupyterLab and browser tests may be installing Chromium
    # (tests/ensure_chromium.sh takes the same lock)
    exec 9>"${TMPDIR:-/tmp}/initreg-apt.lock"
    flock 9
    apt-get update -q
    # --force-unsafe-io: dpkg does not fsync every file it unpacks (on a machine that is
    # building .venv or running tests beside it, those syncs stall everyone's writes)
    apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-unsafe-io "${PACKAGES[@]}"
    echo "ensure_latex: installed in $((SECONDS - start)) s" >&2
}

wait_for_background() {
    [[ -f $PIDFILE ]] || return 0
    local pid
    pid=$(cat "$PIDFILE")
    if kill -0 "$pid" 2>/dev/null; then
        echo "ensure_latex: waiting for the TeX Live install started in the background (log: $LOG)" >&2
        while kill -0 "$pid" 2>/dev/null; do sleep 1; done
    fi
    rm -f "$PIDFILE"
    if [[ -f $STATUS && $(cat "$STATUS") != 0 ]]; then
        echo "ensure_latex: the background install failed; its log, $LOG, ends with:" >&2
        tail -20 "$LOG" >&2 || true
    fi
}

if [[ ${1:-} == --background ]]; then
    if missing >/dev/null && can_install && [[ ! -f $PIDFILE ]]; then
        mkdir -p "$STATE"
        echo "ensure_latex: installing TeX Live in the background (log: $LOG)" >&2
        rm -f "$STATUS"
        nohup setsid bash -c "bash tests/ensure_latex.sh --foreground; echo \$? > '$STATUS'" \
            > "$LOG" 2>&1 < /dev/null &
        echo $! > "$PIDFILE"
    fi
    exit 0
fi

if [[ ${1:-} != --foreground ]]; then
    wait_for_background
fi

if ! what=$(missing); then
    exit 0
fi

if can_install; then
    echo "ensure_latex: $what is missing; installing ${PACKAGES[*]}" >&2
    install
    if what=$(missing); then
        echo "ensure_latex: apt installed the packages but $what is still missing" >&2
        exit 1
    fi
    exit 0
fi

echo "ensure_latex: \`make pdf\` needs $what (TeX Live with xelatex, latexmk, fonts, poppler). Run:" >&2
if [[ -r /etc/debian_version ]]; then
    echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends ${PACKAGES[*]}" >&2
else
    echo "    install TeX Live (xelatex, latexmk, the latex-extra, pictures and fonts-recommended collections)," >&2
    echo "    the FreeFont and Latin Modern Math fonts, and poppler's utilities with your system's package manager" >&2
fi
exit 1
