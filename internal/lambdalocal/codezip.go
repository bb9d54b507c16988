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

// maxLinkHops bounds the symbolic links followed to resolve one name, as
// the kernel's limit does (40 on Linux).
const maxLinkHops = 40

// extractZip unpacks the zip archive data into dir (which must exist),
// refusing absolute names, names that climb out of dir, symbolic links
// whose target is absolute or resolves outside of dir (directly, through
// "..", or through a chain of other links in the archive), and archives
// that unpack to more than 250 MB (the Lambda limit).
//
// Every write goes through an os.Root on dir, which refuses to follow a
// link out of it, and every link is checked again once all are in place,
// so that the order of the entries cannot matter. On error dir may hold
// part of the archive; the caller removes it.
func extractZip(data []byte, dir string) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("%w (%w)", errBadZip, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return fmt.Errorf("extract code: %w", err)
	}
	defer root.Close()
	var (
		total int64
		links []string
	)
	for _, f := range zr.File {
		name, err := safeEntryName(f.Name)
		if err != nil {
			return err
		}
		if name == "" {
			continue
		}
		mode := f.Mode()
		// The folders on the way must not lead out through a link made
		// by an earlier entry.
		if _, err := resolveInside(root, path.Dir(name)); err != nil {
			return fmt.Errorf("%w (entry %q: %w)", errBadZip, f.Name, err)
		}
		switch {
		case mode.IsDir():
			if err := root.MkdirAll(name, 0o755); err != nil {
				return fmt.Errorf("extract %s: %w", f.Name, err)
			}
		case mode&fs.ModeSymlink != 0:
			if err := extractSymlink(root, f, name); err != nil {
				return err
			}
			links = append(links, name)
		default:
			n, err := extractFile(root, f, name, maxUnzippedCode-total)
			if err != nil {
				return err
			}
			total += n
		}
	}
	// A link checked when it was made can lead out through a link made
	// after it ("a" -> "b/..", then "b" -> "."): check them all again.
	for _, name := range links {
		if _, err := resolveInside(root, name); err != nil {
			return fmt.Errorf("%w (link %q: %w)", errBadZip, name, err)
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
func extractFile(root *os.Root, f *zip.File, name string, limit int64) (int64, error) {
	if err := root.MkdirAll(path.Dir(name), 0o755); err != nil {
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
	out, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
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

// extractSymlink recreates a symbolic link whose target is relative and
// resolves inside the root, following the links already extracted.
func extractSymlink(root *os.Root, f *zip.File, name string) error {
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
	if dest == "" || isAbsLink(dest) {
		return fmt.Errorf("%w (link %q points outside the archive: target %q is absolute or empty)", errBadZip, f.Name, dest)
	}
	// The target is relative to the folder that really holds the link:
	// resolve that folder first, without cleaning "..", since "x/.."
	// is not "." when x is a link.
	parent, err := resolveInside(root, path.Dir(name))
	if err == nil {
		_, err = resolveInside(root, joinUnclean(parent, dest))
	}
	if err != nil {
		return fmt.Errorf("%w (link %q -> %q points outside the archive: %w)", errBadZip, f.Name, dest, err)
	}
	if err := root.MkdirAll(path.Dir(name), 0o755); err != nil {
		return fmt.Errorf("extract %s: %w", f.Name, err)
	}
	if err := root.Symlink(dest, name); err != nil {
		return fmt.Errorf("extract %s: %w", f.Name, err)
	}
	return nil
}

// isAbsLink reports whether a link target is absolute on Unix or Windows.
func isAbsLink(dest string) bool {
	return strings.HasPrefix(dest, "/") || strings.HasPrefix(dest, `\`) || filepath.IsAbs(dest) || filepath.VolumeName(dest) != ""
}

// joinUnclean joins a resolved folder and a relative name with '/'
// without cleaning: resolveInside must see every "..".
func joinUnclean(dir, name string) string {
	if dir == "" || dir == "." {
		return name
	}
	return dir + "/" + name
}

// errEscapes says that a name resolves outside the extraction directory.
var errEscapes = errors.New("climbs above the archive root")

// resolveInside resolves name, a slash-separated path relative to root,
// as the kernel would, following the symbolic links in root, and returns
// the path it designates relative to root ("" for root itself). It fails
// with errEscapes when a step climbs above root (through "..", including
// ".." after a link) or a link is absolute, and fails when links loop.
// Components that do not exist are taken as they are, so a name that
// would only escape once they exist is refused too.
func resolveInside(root *os.Root, name string) (string, error) {
	var (
		done []string // resolved components: folders and files, no links
		hops int
	)
	todo := strings.Split(name, "/")
	for len(todo) > 0 {
		part := todo[0]
		todo = todo[1:]
		switch part {
		case "", ".":
			continue
		case "..":
			if len(done) == 0 {
				return "", errEscapes
			}
			done = done[:len(done)-1]
			continue
		}
		cur := joinUnclean(strings.Join(done, "/"), part)
		info, err := root.Lstat(cur)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			done = append(done, part)
			continue
		case err != nil:
			return "", fmt.Errorf("resolve %q: %w", cur, err)
		case info.Mode()&fs.ModeSymlink == 0:
			done = append(done, part)
			continue
		}
		if hops++; hops > maxLinkHops {
			return "", fmt.Errorf("resolve %q: more than %d symbolic links (a loop?)", name, maxLinkHops)
		}
		dest, err := root.Readlink(cur)
		if err != nil {
			return "", fmt.Errorf("resolve %q: %w", cur, err)
		}
		if dest == "" || isAbsLink(dest) {
			return "", fmt.Errorf("%w: link %q -> %q is absolute", errEscapes, cur, dest)
		}
		// The link's target replaces it, relative to its folder (done).
		todo = append(strings.Split(dest, "/"), todo...)
	}
	return strings.Join(done, "/"), nil
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
		needs := ""
		if p := missingProgram(fc.Runtime); p != "" {
			needs = " (it would need " + p + ")"
		}
		return "", &entrypointError{fmt.Sprintf("lambda-local runs provided.*, go1.x and nodejs* functions; runtime %q%s cannot run here without an executable bootstrap in the code", fc.Runtime, needs)}
	}
	return "", &entrypointError{fmt.Sprintf("Couldn't find valid bootstrap(s): %v", candidates)}
}
