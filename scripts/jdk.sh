# Sourced by ./raftkv and ./run-tests: exports JAVA_HOME pointing at a JDK >= 21.
# JAVA_HOME wins if it qualifies; otherwise the newest JDK under /usr/lib/jvm.

raftkv_java_major() { # prints the major version of the JDK at $1, or nothing
  local release="$1/release" version
  [ -x "$1/bin/javac" ] || return 0
  if [ -f "$release" ]; then
    version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")
  else
    version=$("$1/bin/java" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p')
  fi
  printf '%s' "$version"
}

raftkv_quiet_maven() { # Maven 3.8's bundled guava uses sun.misc.Unsafe, which JDK >= 24 warns about
  if [ "$1" -ge 24 ]; then
    case " ${MAVEN_OPTS:-} " in *sun-misc-unsafe*) ;; *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;; esac
  fi
}

raftkv_pick_jdk() {
  local best="" best_major=0 dir major
  if [ -n "${JAVA_HOME:-}" ]; then
    major=$(raftkv_java_major "$JAVA_HOME")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME; raftkv_quiet_maven "$major"; return 0
    fi
  fi
  for dir in /usr/lib/jvm/*/; do
    dir=${dir%/}
    [ -L "$dir" ] && continue
    major=$(raftkv_java_major "$dir")
    if [ -n "$major" ] && [ "$major" -gt "$best_major" ]; then best=$dir; best_major=$major; fi
  done
  if [ "$best_major" -ge 21 ]; then
    export JAVA_HOME=$best; raftkv_quiet_maven "$best_major"; return 0
  fi
  echo "raftkv needs a JDK >= 21 (Java release 21 is the build target)." >&2
  echo "JAVA_HOME=${JAVA_HOME:-<unset>} does not qualify and none was found under /usr/lib/jvm." >&2
  echo "Install one (e.g. apt-get install openjdk-21-jdk-headless, or Temurin 21+) or set JAVA_HOME." >&2
  return 1
}
