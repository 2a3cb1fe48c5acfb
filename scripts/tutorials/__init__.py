"""The tutorial notebooks as stored, executed and compared: which notebooks are tutorials (catalogue), how one
is executed through the jaclab kernel in a temporary copy (run), how outputs are made deterministic
(normalise), and how a fresh execution is compared with the stored outputs (compare). Used by
`npm run notebooks` (python3 -m tutorials write), `npm run docs` (python3 -m tutorials html) and the tests in
test/python."""
