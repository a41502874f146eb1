# Sourced by ./mvnw and bin/morgana: find a JDK >= 25 and export JAVA_HOME.
# Order: $JAVA_HOME if it is new enough, then the newest JDK under /usr/lib/jvm
# (MORGANA_JDK_DIRS replaces /usr/lib/jvm: tests use it to simulate a machine without one).
# Reads each JDK's `release` file, so no JVM is started to ask its version.

morgana_jdk_feature() { # prints the feature release (e.g. 25) of the JDK at $1, or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] && [ -r "$1/release" ] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" | head -n 1
}

morgana_find_jdk() {
  want=25
  if [ -n "${JAVA_HOME-}" ]; then
    v=$(morgana_jdk_feature "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge "$want" ]; then export JAVA_HOME; return 0; fi
  fi
  best= bestv=0
  case $- in *f*) noglob=1; set +f ;; *) noglob= ;; esac  # mvnw runs with `set -f`
  for d in ${MORGANA_JDK_DIRS:-/usr/lib/jvm}/*; do
    [ -d "$d" ] && [ ! -L "$d" ] || continue
    v=$(morgana_jdk_feature "$d")
    if [ -n "$v" ] && [ "$v" -ge "$want" ] && [ "$v" -gt "$bestv" ]; then best=$d bestv=$v; fi
  done
  [ -z "$noglob" ] || set -f
  if [ -n "$best" ]; then JAVA_HOME=$best; export JAVA_HOME; return 0; fi
  {
    echo "morgana: no JDK $want or newer found."
    [ -n "${JAVA_HOME-}" ] && echo "  JAVA_HOME=$JAVA_HOME is older than $want (or not a JDK)."
    echo "  Looked in \$JAVA_HOME and ${MORGANA_JDK_DIRS:-/usr/lib/jvm}/*."
    echo "  Fix: install a JDK $want (for example Temurin 25: apt-get install temurin-25-jdk)"
    echo "       and/or point JAVA_HOME at it."
  } >&2
  return 1
}
