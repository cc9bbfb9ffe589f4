using OnnxVideo.Media;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Training.Packages;

namespace OnnxVideo.Training.Tests.Sessions;

/// <summary>Inference export for <see cref="LinearTrainingPackage"/>: eval graph, weights inlined, loss removed.</summary>
internal sealed class LinearInferenceExporter(string evalPath, string frozenPath) : IInferenceModelExporter
{
    public void Export(string trainableWeightsPath, string outputPath, PreprocessingContract? contract)
    {
        var model = OnnxModelFile.Load(evalPath);
        var graph = model.Graph;
        using var weights = SafetensorsFile.Open(trainableWeightsPath);
        using var frozen = SafetensorsFile.Open(frozenPath);
        foreach (var name in new[] { "W", "b", "labels" })
        {
            graph.Input.Remove(graph.Input.Single(i => i.Name == name));
        }
        graph.Initializer.Add(TensorProtos.FromFloats("W", weights.ReadFloats("W"), weights.GetInfo("W").Shape));
        graph.Initializer.Add(TensorProtos.FromFloats("b", weights.ReadFloats("b"), weights.GetInfo("b").Shape));
        graph.Initializer.Remove(graph.Initializer.Single(i => i.Name == "scale"));
        graph.Initializer.Add(TensorProtos.FromFloats("scale", frozen.ReadFloats("scale"), frozen.GetInfo("scale").Shape));
        graph.Node.Remove(graph.Node.Single(n => n.OpType == "SoftmaxCrossEntropyLoss"));
        graph.Output.Remove(graph.Output.Single(o => o.Name == "loss"));
        if (contract is not null)
        {
            ModelMetadata.Set(model, PreprocessingContract.MetadataKey, contract.ToJson());
        }
        OnnxModelFile.Save(model, outputPath);
    }
}
