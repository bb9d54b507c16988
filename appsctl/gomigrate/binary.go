package gomigrate

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
)

// binary is what Inspect learns from a handler executable.
type binary struct {
	// arch is the Lambda architecture: "x86_64" or "arm64".
	arch string
	// buildInfoErr is why the Go build information cannot be read.
	buildInfoErr error
	// hasLambdaGo tells whether the build information lists
	// LambdaGoModule, at version lambdaGo ("" if it has none).
	hasLambdaGo bool
	lambdaGo    string
}

// lambdaArchitectures maps ELF machines to the Lambda architectures.
var lambdaArchitectures = map[elf.Machine]string{
	elf.EM_X86_64:  "x86_64",
	elf.EM_AARCH64: "arm64",
}

// analyze checks that data is a Linux executable Lambda can run and reads
// its Go build information. The error says what the data is instead.
func analyze(data []byte) (binary, error) {
	var b binary
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return b, fmt.Errorf("is not an ELF executable (%w)", err)
	}
	defer func() { _ = f.Close() }()
	if f.Type != elf.ET_EXEC && f.Type != elf.ET_DYN {
		return b, fmt.Errorf("is an ELF file of type %s, not an executable", f.Type)
	}
	arch, ok := lambdaArchitectures[f.Machine]
	if !ok || f.Class != elf.ELFCLASS64 {
		return b, fmt.Errorf("is built for %s (%s), which Lambda does not run", f.Machine, f.Class)
	}
	b.arch = arch
	info, err := buildinfo.Read(bytes.NewReader(data))
	if err != nil {
		b.buildInfoErr = err
		return b, nil
	}
	modules := append([]*debug.Module{&info.Main}, info.Deps...)
	for _, m := range modules {
		if m == nil || m.Path != LambdaGoModule {
			continue
		}
		b.hasLambdaGo, b.lambdaGo = true, m.Version
		if m.Replace != nil {
			// A replacement by a local folder has no version.
			b.lambdaGo = m.Replace.Version
		}
		break
	}
	return b, nil
}

// olderThanMin reports whether the module version v is older than
// MinLambdaGo; known is false when v is not a semantic version.
// Pre-releases and pseudo-versions of v1.18.0 are older than v1.18.0.
func olderThanMin(v string) (older, known bool) {
	c, known := compareVersions(v, MinLambdaGo)
	return c < 0, known
}

// compareVersions compares two "vMAJOR.MINOR.PATCH[-pre][+build]" module
// versions: -1, 0 or +1, and false when either is not of that form. A
// version with a pre-release sorts before the same version without one;
// two pre-releases of one version compare as strings.
func compareVersions(a, b string) (int, bool) {
	an, apre, aok := parseVersion(a)
	bn, bpre, bok := parseVersion(b)
	if !aok || !bok {
		return 0, false
	}
	for i := range an {
		if an[i] != bn[i] {
			if an[i] < bn[i] {
				return -1, true
			}
			return 1, true
		}
	}
	switch {
	case apre == bpre:
		return 0, true
	case apre == "":
		return 1, true
	case bpre == "":
		return -1, true
	}
	return strings.Compare(apre, bpre), true
}

// parseVersion splits a module version into its numbers and pre-release.
func parseVersion(v string) (nums [3]int, pre string, ok bool) {
	rest, found := strings.CutPrefix(v, "v")
	if !found {
		return nums, "", false
	}
	if i := strings.IndexByte(rest, '+'); i >= 0 {
		rest = rest[:i]
	}
	core, pre, _ := strings.Cut(rest, "-")
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return nums, "", false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || (len(p) > 1 && p[0] == '0') {
			return nums, "", false
		}
		nums[i] = n
	}
	return nums, pre, true
}
