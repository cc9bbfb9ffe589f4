using OnnxVideo.Onnx;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Ort.Tests;

public sealed class MetadataTests
{
    private static byte[] ModelWithMetadata()
    {
        var g = new GraphBuilder("described");
        g.Graph.DocString = "graph description";
        var x = g.Input("clips", DataType.Float, "N", 3, 8, "size", "size");
        g.Output(TestModels.Rename(g, g.Node("ReduceMean", [x], new Dictionary<string, object> { ["axes"] = new long[] { 1, 2, 3, 4 }, ["keepdims"] = 0L }), "score"), DataType.Float, "N");
        var model = TestModels.Model(g);
        model.DocString = "model description";
        model.Domain = "ai.onnxvideo";
        model.ModelVersion = 7;
        ModelMetadata.Set(model, "onnxvideo.contract", "{\"frames\":8}");
        ModelMetadata.Set(model, "author", "tests ✓");
        return OnnxModelFile.ToBytes(model);
    }

    [Fact]
    public void ReadsInputsOutputsAndMetadata()
    {
        using var session = new OrtSession(ModelWithMetadata());
        var input = Assert.Single(session.Inputs);
        Assert.Equal("clips", input.Name);
        Assert.Equal(OnnxValueType.Tensor, input.ValueType);
        Assert.Equal(TensorElementType.Float, input.ElementType);
        Assert.Equal(new long[] { -1, 3, 8, -1, -1 }, input.Shape);
        Assert.Equal(new[] { "N", "", "", "size", "size" }, input.SymbolicShape);
        Assert.Equal("clips: float32[N, 3, 8, size, size]", input.ToString());
        Assert.Equal("score", Assert.Single(session.Outputs).Name);

        var metadata = session.Metadata;
        Assert.Equal(OnnxModels.ProducerName, metadata.ProducerName);
        Assert.Equal("described", metadata.GraphName);
        Assert.Equal("ai.onnxvideo", metadata.Domain);
        Assert.Equal("model description", metadata.Description);
        Assert.Equal("graph description", metadata.GraphDescription);
        Assert.Equal(7, metadata.Version);
        Assert.Equal("{\"frames\":8}", metadata.CustomMetadata["onnxvideo.contract"]);
        Assert.Equal("tests ✓", metadata.CustomMetadata["author"]);
        Assert.Equal(2, metadata.CustomMetadata.Count);
    }

    [Fact]
    public void FreeDimensionOverridesFixTheShapeAndRun()
    {
        var options = new OrtSessionOptions { IntraOpThreads = 1, OptimizationLevel = GraphOptimizationLevel.Extended, ExecutionMode = ExecutionMode.Parallel, InterOpThreads = 1 };
        options.FreeDimensionOverrides["N"] = 2;
        options.FreeDimensionOverrides["size"] = 4;
        options.ConfigEntries["session.use_env_allocators"] = "0";
        using var session = new OrtSession(ModelWithMetadata(), options);
        Assert.Equal(new long[] { 2, 3, 8, 4, 4 }, session.Inputs[0].Shape);

        var data = new float[2 * 3 * 8 * 4 * 4];
        Array.Fill(data, 1f, 0, data.Length / 2);
        Array.Fill(data, 3f, data.Length / 2, data.Length / 2);
        using var x = OrtValue.CreateTensor(data, 2, 3, 8, 4, 4);
        using var score = session.Run(["clips"], [x])[0];
        Assert.Equal(new float[] { 1, 3 }, score.ToArray<float>());
    }
}
