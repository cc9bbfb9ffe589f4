namespace OnnxVideo.Text;

/// <summary>One clip of a caption dataset: the video's absolute path, its captions (normalised, at least one) and the
/// line of captions.jsonl it came from (1-based), for error reports.</summary>
public sealed record CaptionedClip(string VideoPath, IReadOnlyList<string> Captions, int Line);
