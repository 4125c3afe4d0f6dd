"""Compose portal-api.json: the epilot customer portal API paths that
Wattfolio's connector uses, from the seed page (newer, cut off before its
components) and from @epilot/customer-portal-client 0.23.1 (complete), with
the components they reference. Both inputs are taken verbatim; the two
components the seed references but cuts off are stand-ins from standins.json.

usage: python3 compose.py SEED_TXT CLIENT_OPENAPI_JSON STANDINS_JSON > portal-api.json
"""
import json, re, sys

def seed_doc(path):
    # The seed is the npm page's JSON view: a header, then the document,
    # cut off part-way. Keep every value that completed, close the rest.
    lines = open(path, encoding="utf-8").read().split("\n")
    s = "\n".join(lines[lines.index("{"):])
    stack, instr, esc, last = [], False, False, None
    for k, ch in enumerate(s):
        if instr:
            if esc: esc = False
            elif ch == "\\": esc = True
            elif ch == '"': instr = False
            continue
        if ch == '"': instr = True
        elif ch in "{[": stack.append(ch)
        elif ch in "}]":
            stack.pop(); last = (k, list(stack))
    k, st = last
    return json.loads(s[:k+1] + "".join("}" if c == "{" else "]" for c in reversed(st)))

seed = seed_doc(sys.argv[1])
client = json.load(open(sys.argv[2], encoding="utf-8"))
standins = json.load(open(sys.argv[3], encoding="utf-8"))

# path -> (document, methods)
FROM_SEED = ["/v2/portal/consumption", "/v2/portal/prices", "/v2/portal/costs", "/v2/portal/visualization/metadata"]
FROM_CLIENT = {"/v2/portal/token/validate": ["post"], "/v2/portal/contract": ["get"], "/v2/portal/contract/{id}": ["get"]}
assert seed["paths"]["/v2/portal/token/validate"] == client["paths"]["/v2/portal/token/validate"]

paths = {}
for p in FROM_SEED:
    paths[p] = {"get": seed["paths"][p]["get"]}
for p, ms in FROM_CLIENT.items():
    paths[p] = {m: client["paths"][p][m] for m in ms}

comps = {"schemas": {}, "responses": {}, "securitySchemes": {"PortalAuth": client["components"]["securitySchemes"]["PortalAuth"]}}
todo = [paths]
while todo:
    for kind, name in re.findall(r'"#/components/(\w+)/([^"]+)"', json.dumps(todo.pop())):
        if name in comps[kind]:
            continue
        if kind == "schemas" and name in standins:
            comps[kind][name] = standins[name]
        else:
            comps[kind][name] = client["components"][kind][name]
        todo.append(comps[kind][name])

doc = {
    "openapi": client["openapi"],
    "info": dict(seed["info"], **{"x-composed-from": [
        "seed: /work/shared/seeds/003_4d47946053361953.txt (npm page of @epilot/customer-portal-client, newer than 0.23.1): " + ", ".join(FROM_SEED),
        "npm @epilot/customer-portal-client@0.23.1 src/openapi.json: " + ", ".join(FROM_CLIENT) + " and every component",
        "stand-ins (the seed references them, its page is cut off before them): " + ", ".join(standins)]}),
    "servers": client["servers"],
    "security": [{"PortalAuth": []}],
    "paths": dict(sorted(paths.items())),
    "components": {k: dict(sorted(v.items())) for k, v in comps.items()},
}
# Only the structure is kept: the vendor's prose (descriptions, summaries,
# examples) is left out, since the package grants no licence for it and the
# validator does not read it. Inside "properties" a key is a field's name.
PROSE = {"description", "summary", "example", "examples", "externalDocs"}
def structure(v, in_properties=False):
    if isinstance(v, dict):
        return {k: structure(x, k == "properties" and not in_properties) for k, x in v.items()
                if in_properties or k not in PROSE}
    if isinstance(v, list):
        return [structure(x) for x in v]
    return v

# OpenAPI requires a description on every response: its status or name stands in.
def name_responses(v):
    if isinstance(v, dict):
        for k, x in v.items():
            if k == "responses" and isinstance(x, dict):
                for code, r in x.items():
                    if isinstance(r, dict) and "$ref" not in r:
                        r["description"] = code
            name_responses(x)
    elif isinstance(v, list):
        for x in v:
            name_responses(x)

doc = structure(doc)
name_responses(doc)
doc["info"]["title"] = "Portal API"
json.dump(doc, sys.stdout, indent=1, ensure_ascii=False)
sys.stdout.write("\n")
