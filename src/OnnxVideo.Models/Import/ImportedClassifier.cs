using OnnxVideo.Onnx.Proto;

namespace OnnxVideo.Models.Import;

/// <summary>The result of <see cref="OnnxClassifierImporter.Import"/>.</summary>
/// <param name="Model">The changed model (the same instance that was passed in).</param>
/// <param name="OriginalHead">The head found in the original graph.</param>
/// <param name="Classes">Outputs of the model's head now (new or kept).</param>
/// <param name="LogitsName">Graph output holding the logits, [N, <paramref name="Classes"/>].</param>
/// <param name="FeaturesName">Graph output holding the penultimate features, [N, F], when exposed.</param>
/// <param name="Notes">What was changed beyond the head (batch dimension, rewritten reshapes).</param>
internal sealed record ImportedClassifier(
    ModelProto Model,
    ClassifierHead OriginalHead,
    int Classes,
    string LogitsName,
    string? FeaturesName,
    IReadOnlyList<string> Notes);
