#!/usr/bin/env python3
"""screen.py - look at a QEMU machine's screen and type on its keyboard.

The screen tests (tests/qemu/*.test with a during() function, see
run-test.sh) use this through QEMU's QMP socket:

  screen.py dump SOCK FILE.ppm        save the screen (QMP screendump)
  screen.py keys SOCK TEXT            type TEXT (\\n is Enter) on the keyboard
  screen.py key SOCK COMBO            press one chord, e.g. ctrl-a, ret
  screen.py quit SOCK                 end QEMU
  screen.py nmi SOCK                  raise an NMI (QMP inject-nmi)
  screen.py text FILE.ppm [FONT]      print the text on a saved screen
  screen.py wait SOCK REGEX SECS [FONT]
                                      dump and read the screen until REGEX
                                      matches (exit 0) or SECS pass (exit 1);
                                      prints the last text read

Text is read one of two ways.  With FONT (a PSF file, gzipped or not), the
screen is cut into character cells of the font's size from the top left
corner and each cell is matched, bit for bit, against the font's glyphs:
exact, for a screen drawn with that font (our framebuffer console).
Without FONT, the screen goes to tesseract's OCR, for screens drawn by
someone else's font (the firmware's, or QEMU's own VGA text font).
"""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))), "iso"))
import psf2c  # noqa: E402  the font reader the build uses (iso/psf2c.py)


# ---- QMP: one JSON command per connection is all the tests need.
def qmp(sock_path, command, arguments=None):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect(sock_path)
    f = s.makefile("rw")

    def reply():
        while True:
            msg = json.loads(f.readline())
            if "event" not in msg:
                return msg

    reply()  # the greeting
    f.write(json.dumps({"execute": "qmp_capabilities"}) + "\n")
    f.flush()
    reply()
    cmd = {"execute": command}
    if arguments:
        cmd["arguments"] = arguments
    f.write(json.dumps(cmd) + "\n")
    f.flush()
    try:
        answer = reply()
    except (OSError, ValueError):
        answer = {}  # "quit" may close the socket before answering
    s.close()
    if "error" in answer:
        raise SystemExit(f"screen.py: QMP {command}: {answer['error']}")
    return answer.get("return")


# ---- The keyboard: characters as QEMU key codes (qcodes).
NAMED = {" ": "spc", "\n": "ret", "\t": "tab", "-": "minus", "=": "equal",
         ".": "dot", ",": "comma", "/": "slash", ";": "semicolon",
         "'": "apostrophe", "[": "bracket_left", "]": "bracket_right",
         "\\": "backslash", "`": "grave_accent"}
SHIFTED = {"_": "-", "+": "=", ">": ".", "<": ",", "?": "/", ":": ";",
           '"': "'", "{": "[", "}": "]", "|": "\\", "~": "`", "!": "1",
           "@": "2", "#": "3", "$": "4", "%": "5", "^": "6", "&": "7",
           "*": "8", "(": "9", ")": "0"}


def qcodes_for(ch):
    shift = []
    if ch in SHIFTED:
        ch, shift = SHIFTED[ch], ["shift"]
    elif ch.isupper():
        ch, shift = ch.lower(), ["shift"]
    if ch in NAMED:
        code = NAMED[ch]
    elif ch.isalnum() and ch.isascii():
        code = ch
    else:
        raise SystemExit(f"screen.py: no key for {ch!r}")
    return shift + [code]


def press(sock_path, codes):
    keys = [{"type": "qcode", "data": c} for c in codes]
    qmp(sock_path, "send-key", {"keys": keys, "hold-time": 50})
    time.sleep(0.15)  # let the guest take each key before the next


def type_text(sock_path, text):
    for ch in text:
        press(sock_path, qcodes_for(ch))


# ---- The screen: PPM files as QEMU's screendump writes them.
def read_ppm(path):
    with open(path, "rb") as f:
        data = f.read()
    fields, pos = [], 0
    while len(fields) < 4:
        m = re.compile(rb"\s*(#[^\n]*\n\s*)*(\S+)").match(data, pos)
        if not m:
            raise SystemExit(f"screen.py: {path}: not a PPM file")
        fields.append(m.group(2))
        pos = m.end()
    if fields[0] != b"P6" or fields[3] != b"255":
        raise SystemExit(f"screen.py: {path}: only 8-bit P6 PPM is read")
    width, height = int(fields[1]), int(fields[2])
    pixels = data[pos + 1:pos + 1 + width * height * 3]
    return width, height, pixels


def read_psf(path):
    """(width, height, {bitmap rows tuple: character}) of a PSF1/PSF2 font,
    for the printable ASCII characters it has: each by the glyph the
    hypervisor draws it with (psf2c.py's map)."""
    width, height, row_bytes, _, data, points = psf2c.read_psf(path)
    glyphs = {}
    for cp, index in sorted(psf2c.glyph_map(points).items()):
        if not 0x20 <= cp < 0x7F:
            continue
        base = index * row_bytes * height
        rows = tuple(int.from_bytes(data[base + r * row_bytes:
                                         base + (r + 1) * row_bytes], "big")
                     >> (row_bytes * 8 - width)
                     for r in range(height))
        # Fonts repeat shapes (a blank is a space; 'O' and '0' differ in
        # good fonts): the lowest code point that has a bitmap wins.
        glyphs.setdefault(rows, chr(cp))
    return width, height, glyphs


def text_by_cells(path, font):
    width, height, pixels = read_ppm(path)
    fw, fh, glyphs = read_psf(font)
    # The background is the most common colour of the top left cell row.
    sample = pixels[:width * 3 * fh]
    counts = {}
    for i in range(0, len(sample), 3):
        counts[sample[i:i + 3]] = counts.get(sample[i:i + 3], 0) + 1
    background = max(counts, key=counts.get)
    lines = []
    for cy in range(height // fh):
        line = []
        for cx in range(width // fw):
            rows = []
            for r in range(fh):
                off = ((cy * fh + r) * width + cx * fw) * 3
                bits = 0
                for x in range(fw):
                    p = pixels[off + 3 * x:off + 3 * x + 3]
                    bits = (bits << 1) | (p != background)
                rows.append(bits)
            line.append(glyphs.get(tuple(rows), "?"))
        lines.append("".join(line).rstrip())
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def text_by_ocr(path):
    """tesseract reads dark text on light best, at twice the size."""
    width, height, pixels = read_ppm(path)
    grey = bytearray()
    for y in range(height):
        row = bytearray()
        for x in range(width):
            r, g, b = pixels[(y * width + x) * 3:(y * width + x) * 3 + 3]
            v = 255 - (r * 30 + g * 59 + b * 11) // 100
            row += bytes((v, v))
        grey += row + row
    with tempfile.TemporaryDirectory() as tmp:
        pgm = os.path.join(tmp, "screen.pgm")
        with open(pgm, "wb") as f:
            f.write(b"P5 %d %d 255\n" % (width * 2, height * 2) + grey)
        done = subprocess.run(["tesseract", pgm, "stdout", "--psm", "6"],
                              capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"screen.py: tesseract failed: {done.stderr}")
    return done.stdout


def screen_text(path, font=None):
    return text_by_cells(path, font) if font else text_by_ocr(path)


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    what, args = argv[1], argv[2:]
    if what == "dump":
        qmp(args[0], "screendump", {"filename": os.path.abspath(args[1])})
    elif what == "keys":
        type_text(args[0], args[1].encode().decode("unicode_escape"))
    elif what == "key":
        press(args[0], args[1].split("-"))
    elif what == "quit":
        qmp(args[0], "quit")
    elif what == "nmi":
        qmp(args[0], "inject-nmi")
    elif what == "text":
        print(screen_text(args[0], args[1] if len(args) > 1 else None))
    elif what == "wait":
        sock, pattern, secs = args[0], re.compile(args[1]), float(args[2])
        font = args[3] if len(args) > 3 else None
        shot = sock + ".ppm"
        deadline, text = time.monotonic() + secs, ""
        while True:
            try:
                qmp(sock, "screendump", {"filename": os.path.abspath(shot)})
                text = screen_text(shot, font)
            except (OSError, ValueError):
                pass  # QEMU not listening yet, or a half-written file
            if pattern.search(text):
                print(text)
                return 0
            if time.monotonic() > deadline:
                print(text)
                return 1
            time.sleep(1)
    else:
        raise SystemExit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
