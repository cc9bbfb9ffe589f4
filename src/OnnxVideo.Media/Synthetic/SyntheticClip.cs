namespace OnnxVideo.Media;

/// <summary>One generated clip: path relative to the dataset root (forward slashes), class index, split.</summary>
internal sealed record SyntheticClip(string RelativePath, int Label, bool Validation);
