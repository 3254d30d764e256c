#!/bin/sh
# Re-create /tmp/outlets/raw from the two public GitHub repositories (needs network + git).
# Usage: sh fetch_raw.sh [RAW_DIR]        (default: ./raw)
set -eu
RAW=${1:-raw}
WORK=$(mktemp -d)
IPN_COMMIT=0d8b4a34764914490583a603d2a5d12ad175ecbd    # patrickswickard/international_newspapers
SLING_COMMIT=be29ee0778a7f839436f9977846c7628efc7619b  # ringgaard/sling

git clone --quiet https://github.com/patrickswickard/international_newspapers "$WORK/ipn"
git -C "$WORK/ipn" checkout --quiet "$IPN_COMMIT"
git clone --quiet --filter=blob:none --no-checkout https://github.com/ringgaard/sling "$WORK/sling"

mkdir -p "$RAW/wikidata_newspapers/entities" "$RAW/sling"
cp "$WORK/ipn/wikidata_query_result.json" "$RAW/wikidata_newspapers/query_result.json"
cp "$WORK/ipn/get_newspaper_info.sparql"  "$RAW/wikidata_newspapers/query.sparql"
git -C "$WORK/sling" show "$SLING_COMMIT:data/crawl/newssites.txt" > "$RAW/sling/newssites.txt"
git -C "$WORK/sling" show "$SLING_COMMIT:LICENSE"                   > "$RAW/sling/LICENSE"

# Per-item Wikidata records: keep only Wikidata (CC0) fields; drop the English-Wikipedia
# extract/title/URL fields that wikidata-dl's "restbase" request added (CC BY-SA text,
# not used by build_outlets.py).
python3 - "$WORK/ipn/wikidata" "$RAW/wikidata_newspapers/entities" <<'EOF'
import json, os, sys
src, dst = sys.argv[1], sys.argv[2]
KEEP = ("wikibase", "wikidata_url", "wikidata_pageid", "modified", "label", "labels",
        "aliases", "description", "claims", "wikidata")
n = 0
for name in sorted(os.listdir(src)):
    if not (name.startswith("Q") and name.endswith(".json")):
        continue
    with open(os.path.join(src, name), encoding="utf-8") as fh:
        rec = json.load(fh)
    out = {k: rec[k] for k in KEEP if k in rec}
    with open(os.path.join(dst, name), "w", encoding="utf-8") as fh:
        json.dump(out, fh, ensure_ascii=False, sort_keys=True)
    n += 1
print(f"{n} entity records written to {dst}")
EOF
rm -rf "$WORK"
