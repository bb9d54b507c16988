package lambdalocal

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// errBadZip is returned for code that is not a usable zip archive.
var errBadZip = errors.New("could not unzip the code")

// badZipMessage is what AWS answers for an upload that is not a usable zip.
const badZipMessage = "Could not unzip uploaded file. Please check your file, then try to upload again."

// extractZip unpacks the zip archive data into dir (which must exist),
// refusing absolute names, names that climb out of dir, symbolic links
// pointing outside of it, and archives that unpack to more than 250 MB (the
// Lambda limit).
func extractZip(data []byte, dir string) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("%w (%w)", errBadZip, err)
	}
	var total int64
	for _, f := range zr.File {
		name, err := safeEntryName(f.Name)
		if err != nil {
			return err
		}
		if name == "" {
			continue
		}
		target := filepath.Join(dir, filepath.FromSlash(name))
		mode := f.Mode()
		switch {
		case mode.IsDir():
			if err := os.MkdirAll(target, 0o755); err != nil {
				return fmt.Errorf("extract %s: %w", f.Name, err)
			}
		case mode&fs.ModeSymlink != 0:
			if err := extractSymlink(f, name, target); err != nil {
				return err
			}
		default:
			n, err := extractFile(f, target, maxUnzippedCode-total)
			if err != nil {
				return err
			}
			total += n
		}
	}
	return nil
}

// safeEntryName cleans a zip entry name and rejects names that would land
// outside the extraction directory. Directory-only names clean to "".
func safeEntryName(name string) (string, error) {
	n := strings.ReplaceAll(name, `\`, "/")
	if strings.HasPrefix(n, "/") || filepath.VolumeName(n) != "" {
		return "", fmt.Errorf("%w (absolute entry name %q)", errBadZip, name)
	}
	for _, part := range strings.Split(n, "/") {
		if part == ".." {
			return "", fmt.Errorf("%w (entry %q leaves the archive root)", errBadZip, name)
		}
	}
	n = path.Clean(n)
	if n == "." {
		return "", nil
	}
	return n, nil
}

// extractFile writes one regular file, at most limit bytes, keeping the
// executable bits of the entry.
func extractFile(f *zip.File, target string, limit int64) (int64, error) {
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return 0, fmt.Errorf("extract %s: %w", f.Name, err)
	}
	rc, err := f.Open()
	if err != nil {
		return 0, fmt.Errorf("%w (open %s: %w)", errBadZip, f.Name, err)
	}
	defer rc.Close()
	perm := fs.FileMode(0o644)
	if f.Mode()&0o111 != 0 {
		perm = 0o755
	}
	out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return 0, fmt.Errorf("extract %s: %w", f.Name, err)
	}
	n, err := io.Copy(out, io.LimitReader(rc, limit+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return n, fmt.Errorf("%w (extract %s: %w)", errBadZip, f.Name, err)
	}
	if n > limit {
		return n, fmt.Errorf("unzipped code is larger than the Lambda limit of %d bytes", maxUnzippedCode)
	}
	return n, nil
}

// extractSymlink recreates a symbolic link whose target stays inside the
// archive.
func extractSymlink(f *zip.File, name, target string) error {
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("%w (open %s: %w)", errBadZip, f.Name, err)
	}
	defer rc.Close()
	link, err := io.ReadAll(io.LimitReader(rc, 4096))
	if err != nil {
		return fmt.Errorf("%w (read link %s: %w)", errBadZip, f.Name, err)
	}
	dest := string(link)
	resolved := path.Clean(path.Join(path.Dir(name), dest))
	if path.IsAbs(dest) || resolved == ".." || strings.HasPrefix(resolved, "../") {
		return fmt.Errorf("%w (link %q points outside the archive)", errBadZip, f.Name)
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return fmt.Errorf("extract %s: %w", f.Name, err)
	}
	if err := os.Symlink(dest, target); err != nil {
		return fmt.Errorf("extract %s: %w", f.Name, err)
	}
	return nil
}

// entrypointError explains why a function's code cannot be started.
type entrypointError struct{ msg string }

func (e *entrypointError) Error() string { return e.msg }

// findExecutable returns the path of the program that implements the
// function: "bootstrap" at the root for provided.* (and any custom runtime),
// the handler executable for the legacy go1.x runtime. The file is made
// executable, since zips built on some systems lose the mode bits.
func findExecutable(dir string, fc FunctionConfig) (string, error) {
	candidates := []string{"bootstrap"}
	if fc.Runtime == "go1.x" {
		candidates = []string{fc.Handler, "bootstrap"}
	}
	for _, c := range candidates {
		if c == "" || strings.Contains(c, "..") || filepath.IsAbs(c) {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(c))
		info, err := os.Stat(p)
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		if info.Mode()&0o100 == 0 {
			if err := os.Chmod(p, info.Mode()|0o755); err != nil {
				return "", fmt.Errorf("make %s executable: %w", c, err)
			}
		}
		return p, nil
	}
	if fc.Runtime != "go1.x" && !strings.HasPrefix(fc.Runtime, "provided") {
		return "", &entrypointError{fmt.Sprintf("lambda-local runs only provided.* and go1.x functions (an executable bootstrap); runtime %q without a bootstrap cannot run here", fc.Runtime)}
	}
	return "", &entrypointError{fmt.Sprintf("Couldn't find valid bootstrap(s): %v", candidates)}
}
