package gomigrate

import (
	"archive/zip"
	"bytes"
	"debug/buildinfo"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

var (
	buildMu sync.Mutex
	built   = map[string][]byte{}
)

// buildBinary builds the program in testdata/<prog> for linux/goarch with
// cgo off and returns the executable. Builds are cached for the test
// binary's life.
func buildBinary(t *testing.T, prog, goarch string) []byte {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	key := prog + "/" + goarch
	if data, ok := built[key]; ok {
		return data
	}
	bin := filepath.Join(t.TempDir(), prog)
	cmd := exec.Command("go", "build", "-trimpath", "-o", bin, "./testdata/"+prog)
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+goarch, "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "build %s for %s:\n%s", prog, goarch, out)
	data, err := os.ReadFile(bin)
	require.NoError(t, err)
	built[key] = data
	return data
}

// withLambdaGo returns bin with the aws-lambda-go version in its build
// information replaced by an older one of the same length (the test cannot
// download old versions), and that version.
func withLambdaGo(t *testing.T, bin []byte) ([]byte, string) {
	t.Helper()
	info, err := buildinfo.Read(bytes.NewReader(bin))
	require.NoError(t, err)
	var current string
	for _, d := range info.Deps {
		if d.Path == LambdaGoModule {
			current = d.Version
		}
	}
	require.NotEmpty(t, current, "the test program imports aws-lambda-go")
	// "v1.17." then digits up to the same length: always below v1.18.0.
	old := "v1.17." + "1" + strings.Repeat("0", len(current)-len("v1.17.")-1)
	require.Len(t, old, len(current))
	from, to := []byte(LambdaGoModule+"\t"+current+"\t"), []byte(LambdaGoModule+"\t"+old+"\t")
	require.True(t, bytes.Contains(bin, from), "build information holds %q", from)
	return bytes.ReplaceAll(bin, from, to), old
}

// unzip returns the entries of a zip by name, read to the end (which
// checks their CRC-32), with their headers.
func unzip(t *testing.T, data []byte) (map[string][]byte, map[string]*zip.FileHeader, *zip.Reader) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	files, headers := map[string][]byte{}, map[string]*zip.FileHeader{}
	for _, f := range zr.File {
		require.NotContains(t, headers, f.Name, "entry %q is there once", f.Name)
		rc, err := f.Open()
		require.NoError(t, err)
		content, err := io.ReadAll(rc)
		require.NoError(t, err, f.Name)
		require.NoError(t, rc.Close())
		files[f.Name], headers[f.Name] = content, &f.FileHeader
	}
	return files, headers, zr
}

// inspect runs Inspect on a zip in memory.
func inspect(t *testing.T, pkg []byte, handler string) Plan {
	t.Helper()
	plan, err := Inspect(bytes.NewReader(pkg), int64(len(pkg)), handler)
	require.NoError(t, err)
	return plan
}
