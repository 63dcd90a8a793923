#!/usr/bin/env python3
"""view_pixels.py MOUNT SHOTDIR CHROMIUM - the pictures of MOUNT/view as a
browser draws them: headless chromium takes a screenshot of each, and the
colours at the places where the SVG put a known region must be that
region's (the 16 MiB anonymous mapping's kind and resident pages, a free and
an anonymous pageblock, a buddy bar, the walk's tables), every legend
swatch must be drawn in its colour, and the legend's labels and the
mapping's own label must be drawn (dark glyph pixels where the text is). Exits 1 on the first wrong pixel."""
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
import zlib

NS = '{http://www.w3.org/2000/svg}'
mnt, shots, chromium = sys.argv[1], sys.argv[2], sys.argv[3]


def fail(msg):
    print('FAIL:', msg, file=sys.stderr)
    sys.exit(1)


def png_pixels(path):
    """(width, height, rows of RGB tuples) of an 8-bit RGB/RGBA PNG."""
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', path
    pos, idat, w = 8, b'', None
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
            assert depth == 8 and ctype in (2, 6) and not interlace, (depth, ctype)
            bpp = 3 if ctype == 2 else 4
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return w, h, rows


def shot(rel, height):
    out = f'{shots}/{rel.replace("/", "_")}.png'
    subprocess.run([chromium, '--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars',
                    '--force-device-scale-factor=1', f'--window-size=1280,{height}',
                    f'--screenshot={out}', f'file://{mnt}/view/{rel}'],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    return png_pixels(out)


def rgb(colour):
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def expect(img, x, y, colour, what):
    px = img[2][int(y)][int(x)]
    if any(abs(a - b) > 10 for a, b in zip(px, rgb(colour))):
        fail(f'{what}: pixel ({x}, {y}) is #{px[0]:02x}{px[1]:02x}{px[2]:02x}, not {colour}')


def centre(rect):
    return (float(rect.get('x')) + float(rect.get('width')) / 2,
            float(rect.get('y')) + float(rect.get('height')) / 2)


def expect_text(img, t, what):
    """Glyphs drawn where the text element t says: dark pixels in its box."""
    size, x, y = float(t.get('font-size')), float(t.get('x')), float(t.get('y'))
    width = 0.45 * size * len(t.text or '')
    x0 = {'start': x, 'middle': x - width / 2, 'end': x - width}[t.get('text-anchor', 'start')]
    dark = sum(1 for yy in range(int(y - size), int(y) + 2) for xx in range(int(x0), int(x0 + width) + 1)
               if 0 <= yy < img[1] and 0 <= xx < img[0] and sum(img[2][yy][xx]) < 300)
    if dark < 3 * len((t.text or '').strip()):
        fail(f'{what}: the text {t.text!r} is not drawn at ({x}, {y}) ({dark} dark pixels)')


def picture(rel):
    root = ET.parse(f'{mnt}/view/{rel}').getroot()
    img = shot(rel, int(root.get('height')))
    # every legend swatch, in its colour, and every legend label, drawn
    legends = [g for g in root.iter(NS + 'g') if g.get('class') == 'legend']
    keys = [r for g in legends for r in g.iter(NS + 'rect') if r.get('class') == 'key']
    if len(keys) < 4:
        fail(f'{rel}: {len(keys)} legend keys')
    for r in keys:
        expect(img, *centre(r), r.get('fill'), f'{rel}: legend key {r.get("fill")}')
    labels = [t for g in legends for t in g.iter(NS + 'text')]
    if len(labels) < len(keys):
        fail(f'{rel}: {len(labels)} legend labels for {len(keys)} keys')
    for t in labels:
        expect_text(img, t, f'{rel}: legend label')
    return root, img


pid, addr = sys.argv[4], int(sys.argv[5], 16)

# address-space.svg: the 16 MiB anonymous mapping, its first 4 MiB resident
root, img = picture(f'{pid}/address-space.svg')
row = [g for g in root.iter(NS + 'g') if g.get('class') == 'vma' and int(g.get('data-start'), 16) == addr]
if len(row) != 1:
    fail(f'no row for {addr:#x}')
kind = [r for r in row[0].iter(NS + 'rect') if r.get('class') == 'kind'][0]
expect(img, *centre(kind), '#e377c2', 'the anonymous kind swatch')
ps = [r for r in row[0].iter(NS + 'rect') if r.get('class') == 'ps']
resident = [r for r in ps if r.get('data-state') == '1']
absent = [r for r in ps if r.get('data-state') == '0' and float(r.get('width')) >= 4]
if not resident or not absent:
    fail('the mapping has no resident or no absent slice')
expect(img, *centre(resident[0]), '#2ca02c', 'resident pages')
# its label (the maps line's size and permissions, as text) is drawn
texts = [t for t in row[0].iter(NS + 'text') if (t.text or '').strip()]
if not texts:
    fail('the mapping has no label')
for t in texts:
    expect_text(img, t, 'the mapping\'s label')
expect(img, *centre(absent[-1]), '#f0f0f0', 'pages not present')

# physical.svg: a pageblock of anonymous pages, a free one, the kernel image
root, img = picture('physical.svg')
cells = [g for g in root.iter(NS + 'g') if g.get('class') == 'cell']
def cell_of(use, pages):
    for g in cells:
        if re.search(rf'\): {use} {pages} pages;', g.find(NS + 'title').text):
            return [r for r in g.iter(NS + 'rect') if r.get('class') == 'use'][0]
    fail(f'physical.svg: no cell holding {pages} {use} pages')
expect(img, *centre(cell_of('anonymous', 512)), '#e4572e', 'an anonymous pageblock')
free = cell_of('free', 512)
if free.get('fill') not in ('#c7ebc0', '#d9f2d9'):
    fail(f'a free pageblock is {free.get("fill")}, not the colour of order 9 or 10')
expect(img, *centre(free), free.get('fill'), 'a free pageblock')
expect(img, *centre(cell_of('reserved', 512)), '#2c3e50', 'a pageblock of the kernel image')

# buddy.svg: every segment tall enough to sample, in its migratetype's colour
root, img = picture('buddy.svg')
segs = [r for r in root.iter(NS + 'rect') if r.get('class') == 'seg' and float(r.get('height')) >= 6]
if not segs:
    fail('buddy.svg: no bar to look at')
for r in segs:
    expect(img, *centre(r), r.get('fill'), f'buddy.svg: a {r.get("data-mt")} segment')

# pagetable.svg: the walk's four tables outlined in red
root, img = picture(f'{pid}/pagetable.svg')
walk = [g for g in root.iter(NS + 'g') if g.get('data-walk') == '1']
if len(walk) != 4:
    fail(f'pagetable.svg: {len(walk)} tables on the walk')
for g in walk:
    frame = g.find(NS + 'rect')
    expect(img, float(frame.get('x')), float(frame.get('y')) + 11, '#e31a1c',
           f'the {g.get("data-level")} table of the walk')

# index.html: the page shows the pictures (the buddy bars' colours appear)
img = shot('index.html', 800)
seen = sum(1 for row in img[2] for px in row
           if all(abs(a - b) <= 10 for a, b in zip(px, rgb('#27ae60'))))
if seen < 50:
    fail(f'index.html: only {seen} pixels of the Movable colour: are the pictures drawn?')
print('view_pixels: ok')
