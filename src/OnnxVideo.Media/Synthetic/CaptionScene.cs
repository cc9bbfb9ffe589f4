namespace OnnxVideo.Media;

/// <summary>A synthetic captioned clip's content: <see cref="First"/> happens in the first half of the frames, then
/// <see cref="Second"/> in the second half (each object is visible only during its own event).</summary>
internal sealed record CaptionScene(CaptionEvent First, CaptionEvent Second);
