package s3store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// MaxManifestSize is the largest manifest object that is read.
const MaxManifestSize = 1 << 20

// ErrNotFound is returned when an object does not exist.
var ErrNotFound = errors.New("object not found")

// ErrTooLarge is returned when a manifest object exceeds MaxManifestSize.
var ErrTooLarge = errors.New("object too large")

// API is the part of the S3 client the store uses.
type API interface {
	HeadBucketAPI
	s3.ListObjectsV2APIClient
	GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// Store reads one bucket.
type Store struct {
	api    API
	bucket string
}

// New returns a Store for bucket.
func New(api API, bucket string) *Store { return &Store{api: api, bucket: bucket} }

// Bucket is the bucket name.
func (s *Store) Bucket() string { return s.bucket }

// Object describes a listed object.
type Object struct {
	Key          string    `json:"key"`
	ETag         string    `json:"etag"`
	Size         int64     `json:"size"`
	LastModified time.Time `json:"last_modified"`
}

// Check verifies that the bucket exists and is readable.
func (s *Store) Check(ctx context.Context) error { return CheckBucket(ctx, s.api, s.bucket) }

// List returns every object under prefix, following all pages.
func (s *Store) List(ctx context.Context, prefix string) ([]Object, error) {
	var out []Object
	p := s3.NewListObjectsV2Paginator(s.api, &s3.ListObjectsV2Input{
		Bucket: aws.String(s.bucket),
		Prefix: aws.String(prefix),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list s3://%s/%s: %w", s.bucket, prefix, ClassifyError(err, s.bucket))
		}
		for _, o := range page.Contents {
			out = append(out, Object{
				Key:          aws.ToString(o.Key),
				ETag:         aws.ToString(o.ETag),
				Size:         aws.ToInt64(o.Size),
				LastModified: aws.ToTime(o.LastModified),
			})
		}
	}
	return out, nil
}

// ReadSmall reads a whole object of at most limit bytes and returns it with
// its ETag.
func (s *Store) ReadSmall(ctx context.Context, key string, limit int64) ([]byte, string, error) {
	obj, err := s.Open(ctx, key, "")
	if err != nil {
		return nil, "", err
	}
	defer obj.Body.Close()
	if obj.Size > limit {
		return nil, "", fmt.Errorf("s3://%s/%s is %d bytes, more than the %d allowed: %w", s.bucket, key, obj.Size, limit, ErrTooLarge)
	}
	data, err := io.ReadAll(io.LimitReader(obj.Body, limit+1))
	if err != nil {
		return nil, "", fmt.Errorf("read s3://%s/%s: %w", s.bucket, key, err)
	}
	if int64(len(data)) > limit {
		return nil, "", fmt.Errorf("s3://%s/%s is more than the %d bytes allowed: %w", s.bucket, key, limit, ErrTooLarge)
	}
	return data, obj.ETag, nil
}

// Object content opened for streaming. The caller must close Body.
type Content struct {
	Body         io.ReadCloser
	Size         int64
	ContentType  string
	ETag         string
	LastModified time.Time
	NotModified  bool // ifNoneMatch matched: Body is empty
}

// Open opens key for streaming. With a non-empty ifNoneMatch, a matching
// object returns NotModified and an empty body.
func (s *Store) Open(ctx context.Context, key, ifNoneMatch string) (*Content, error) {
	in := &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)}
	if ifNoneMatch != "" {
		in.IfNoneMatch = aws.String(ifNoneMatch)
	}
	out, err := s.api.GetObject(ctx, in)
	if err != nil {
		if isNotModified(err) {
			return &Content{Body: io.NopCloser(strings.NewReader("")), ETag: ifNoneMatch, NotModified: true}, nil
		}
		var noKey *types.NoSuchKey
		var apiErr smithy.APIError
		if errors.As(err, &noKey) || (errors.As(err, &apiErr) && apiErr.ErrorCode() == "NotFound") {
			return nil, fmt.Errorf("s3://%s/%s: %w", s.bucket, key, ErrNotFound)
		}
		return nil, fmt.Errorf("get s3://%s/%s: %w", s.bucket, key, ClassifyError(err, s.bucket))
	}
	return &Content{
		Body:         out.Body,
		Size:         aws.ToInt64(out.ContentLength),
		ContentType:  aws.ToString(out.ContentType),
		ETag:         aws.ToString(out.ETag),
		LastModified: aws.ToTime(out.LastModified),
	}, nil
}

func isNotModified(err error) bool {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && apiErr.ErrorCode() == "NotModified" {
		return true
	}
	var respErr interface{ HTTPStatusCode() int }
	return errors.As(err, &respErr) && respErr.HTTPStatusCode() == 304
}
