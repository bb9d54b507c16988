package gomigrate

import (
	"archive/zip"
	"fmt"
	"io"
)

// bootstrapMode is the Unix mode of the bootstrap entry: Lambda runs it.
const bootstrapMode = 0o755

// Rewrite writes to w the package zip in r (size bytes) for Runtime: every
// entry as it is (copied without recompressing), plus a "bootstrap" entry
// with the bytes of the executable named handler and Unix mode 0755. An
// existing bootstrap entry is replaced; Inspect makes sure it is the same
// binary. Call Rewrite only for a package Inspect found Migratable.
func Rewrite(w io.Writer, r io.ReaderAt, size int64, handler string) error {
	zr, err := openZip(r, size)
	if err != nil {
		return fmt.Errorf("the package is not a zip archive: %w", err)
	}
	exe, _, err := find(zr, handler)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	for _, f := range zr.File {
		if entryName(f.Name) == Bootstrap {
			continue
		}
		if err := zw.Copy(f); err != nil {
			return fmt.Errorf("copy %q: %w", f.Name, err)
		}
	}
	h := &zip.FileHeader{Name: Bootstrap, Method: zip.Deflate, Modified: exe.Modified}
	h.SetMode(bootstrapMode)
	dst, err := zw.CreateHeader(h)
	if err != nil {
		return fmt.Errorf("add %s: %w", Bootstrap, err)
	}
	src, err := exe.Open()
	if err != nil {
		return fmt.Errorf("read %q: %w", exe.Name, err)
	}
	n, err := io.Copy(dst, io.LimitReader(src, maxBinarySize+1))
	if cerr := src.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		return fmt.Errorf("copy %q to %s: %w", exe.Name, Bootstrap, err)
	case n > maxBinarySize:
		return fmt.Errorf("%q unzips to more than Lambda's %d bytes", exe.Name, maxBinarySize)
	}
	if zr.Comment != "" {
		if err := zw.SetComment(zr.Comment); err != nil {
			return fmt.Errorf("copy the zip comment: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("finish the package: %w", err)
	}
	return nil
}
