package deploy

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/manager"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/lambda-apps/lambda-apps/appsctl/bundle"
	"github.com/lambda-apps/lambda-apps/appsctl/report"
	"github.com/lambda-apps/lambda-apps/aws/awsnames"
)

// AssetResult is an uploaded static asset.
type AssetResult struct {
	Name        string
	Key         string
	ContentType string
	Size        int64
}

// uploader returns an S3 upload manager, which streams bodies of unknown
// length in parts.
//
// feature/s3/manager is deprecated in favour of feature/s3/transfermanager,
// which is still at v0.x; the stable manager is used until that is 1.0.
func (d *deployer) uploader() *manager.Uploader { //nolint:staticcheck // SA1019: see above.
	return manager.NewUploader(d.c.S3) //nolint:staticcheck // SA1019: see above.
}

// upload streams body to key.
func (d *deployer) upload(ctx context.Context, up *manager.Uploader, key string, body io.Reader, contentType string) error { //nolint:staticcheck // SA1019
	_, err := up.Upload(ctx, &s3.PutObjectInput{ //nolint:staticcheck // SA1019
		Bucket:      aws.String(d.o.Bucket),
		Key:         aws.String(key),
		Body:        body,
		ContentType: aws.String(contentType),
	})
	if err != nil {
		return fmt.Errorf("upload s3://%s/%s: %w", d.o.Bucket, key, err)
	}
	return nil
}

// put uploads a small object held in memory.
func (d *deployer) put(ctx context.Context, key string, data []byte, contentType string) error {
	_, err := d.c.S3.PutObject(ctx, &s3.PutObjectInput{
		Bucket:      aws.String(d.o.Bucket),
		Key:         aws.String(key),
		Body:        bytes.NewReader(data),
		ContentType: aws.String(contentType),
	})
	if err != nil {
		return fmt.Errorf("upload s3://%s/%s: %w", d.o.Bucket, key, err)
	}
	return nil
}

// uploadAssets uploads the static assets with bounded concurrency and
// progress. The first failure stops the others.
func (d *deployer) uploadAssets(ctx context.Context) error {
	assets := d.b.StaticAssets()
	if len(assets) == 0 {
		d.p.Infof("Static assets: none")
		return nil
	}
	var total int64
	for _, a := range assets {
		total += a.Size
	}
	d.p.Infof("Uploading %d static asset(s) (%s) to s3://%s/%s", len(assets), report.FormatBytes(total), d.o.Bucket,
		awsnames.StaticPrefix(d.r.AppID, d.r.Version))
	progress := d.p.Progress("static assets", len(assets), total)
	defer progress.Finish()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	up := d.uploader()
	work := make(chan *bundle.StaticAsset)
	results := make([]AssetResult, len(assets))
	index := make(map[*bundle.StaticAsset]int, len(assets))
	for i, a := range assets {
		index[a] = i
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	for range min(d.o.UploadConcurrency, len(assets)) {
		wg.Go(func() {
			for a := range work {
				res, err := d.uploadAsset(ctx, up, a, progress)
				progress.FileDone(a.Name, a.Size, err)
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
						cancel()
					}
					mu.Unlock()
					continue
				}
				results[index[a]] = res
			}
		})
	}
	for _, a := range assets {
		if ctx.Err() != nil {
			break
		}
		work <- a
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		return fmt.Errorf("upload static assets: %w", firstErr)
	}
	d.r.Assets = results
	return nil
}

func (d *deployer) uploadAsset(ctx context.Context, up *manager.Uploader, a *bundle.StaticAsset, progress *report.Progress) (AssetResult, error) { //nolint:staticcheck // SA1019
	if err := ctx.Err(); err != nil {
		return AssetResult{}, err
	}
	rc, err := a.Open()
	if err != nil {
		return AssetResult{}, err
	}
	defer func() { _ = rc.Close() }()
	ct := ContentType(a.Name)
	if err := d.upload(ctx, up, a.Key, progress.Reader(rc), ct); err != nil {
		return AssetResult{}, fmt.Errorf("static asset %q: %w", a.Name, err)
	}
	d.p.Debugf("uploaded %s as s3://%s/%s (%s)", a.Entry, d.o.Bucket, a.Key, ct)
	return AssetResult{Name: a.Name, Key: a.Key, ContentType: ct, Size: a.Size}, nil
}
