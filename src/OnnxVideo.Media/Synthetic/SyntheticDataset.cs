namespace OnnxVideo.Media;

/// <summary>A generated dataset: <c>Root/&lt;label&gt;/&lt;label&gt;_NNN.ext</c>, <c>labels.txt</c> (one label per
/// line, line i = class i) and manifests <c>manifest.txt</c>, <c>train.txt</c>, <c>val.txt</c> with lines
/// <c>relative/path label-index</c>.</summary>
internal sealed record SyntheticDataset(
    string Root,
    IReadOnlyList<string> Labels,
    IReadOnlyList<SyntheticClip> Clips,
    string ManifestPath,
    string TrainManifestPath,
    string ValidationManifestPath,
    string LabelsPath);
