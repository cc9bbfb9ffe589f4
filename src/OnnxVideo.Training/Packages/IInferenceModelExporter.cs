using OnnxVideo.Media;

namespace OnnxVideo.Training.Packages;

/// <summary>
/// Bakes trained weights into a plain inference model.onnx (LoRA merged, contract in the metadata). Implemented by the
/// package format's side (OnnxVideo.Packaging), which owns the graph format; see <see cref="TrainingPackageLayout"/>.
/// </summary>
internal interface IInferenceModelExporter
{
    /// <param name="trainableWeightsPath">A safetensors file holding every trainable parameter under its ONNX name.</param>
    /// <param name="outputPath">The model.onnx to write.</param>
    /// <param name="contract">The contract to store in the model's metadata (labels included).</param>
    void Export(string trainableWeightsPath, string outputPath, PreprocessingContract? contract);
}
