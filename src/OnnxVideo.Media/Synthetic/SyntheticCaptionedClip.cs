namespace OnnxVideo.Media;

/// <summary>One generated captioned clip: its video relative to its split folder (forward slashes), scene and
/// captions.</summary>
internal sealed record SyntheticCaptionedClip(string RelativePath, CaptionScene Scene, IReadOnlyList<string> Captions);
