# Prints each failed test of a trx file (tools/test.sh) and the first lines of its message, XML entities decoded.
function decode(s) { gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&quot;/, "\"", s); gsub(/&apos;/, "'", s); gsub(/&amp;/, "\\&", s); return s }
/<UnitTestResult / {
  failed = ($0 ~ /outcome="Failed"/)
  if (failed) { name = $0; sub(/.* testName="/, "", name); sub(/".*/, "", name); print "FAILED " decode(name) "  (" run ")" }
  next
}
failed && /<Message>/ { inmsg = 1; lines = 0; sub(/.*<Message>/, "") }
failed && inmsg {
  done = sub(/<\/Message>.*/, "")
  if (lines < 12) print "    " decode($0)
  lines++
  if (done) { inmsg = 0; failed = 0 }
}
