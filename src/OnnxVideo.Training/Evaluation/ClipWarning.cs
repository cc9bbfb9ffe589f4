namespace OnnxVideo.Training.Evaluation;

/// <summary>A clip that was scored with frames filled in rather than decoded (see <c>ClassificationResult.Warnings</c>).</summary>
internal sealed record ClipWarning(string Path, string Warning);
