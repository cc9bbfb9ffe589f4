namespace OnnxVideo.Ort;

/// <summary>A model's metadata as ORT reads it, including the custom <c>metadata_props</c> map.</summary>
public sealed record OrtModelMetadata(
    string ProducerName,
    string GraphName,
    string Domain,
    string Description,
    string GraphDescription,
    long Version,
    IReadOnlyDictionary<string, string> CustomMetadata);
