using OnnxVideo.Packaging.Contracts;
using OnnxVideo.Models.Zoo;
using OnnxVideo.Media;
using OnnxVideo.Onnx;

namespace OnnxVideo.Export.Tests.Zoo;

public sealed class ModelContractsTests
{
    [Fact]
    public void ContractSurvivesSaveAndLoadUnderTheSharedMetadataKey()
    {
        var model = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 2 });
        var contract = new PreprocessingContract { Frames = 8, CropSize = 64, ResizeShortSide = 80, Labels = ["walk", "run"], Sampling = SamplingMode.Dense };
        ModelContracts.Write(model, contract);
        var reloaded = OnnxModelFile.Parse(OnnxModelFile.ToBytes(model), "bytes");
        Assert.NotNull(ModelMetadata.Get(reloaded, PreprocessingContract.MetadataKey));
        var read = ModelContracts.Read(reloaded);
        Assert.NotNull(read);
        Assert.Equal(contract.Labels, read.Labels);
        Assert.Equal(SamplingMode.Dense, read.Sampling);
        Assert.Equal(80, read.ResizeShortSide);
    }

    [Fact]
    public void ModelWithoutContractReadsAsNull() =>
        Assert.Null(ModelContracts.Read(ModelZoo.Build("tiny3d", new ZooOptions { Classes = 2 })));

    [Fact]
    public void LabelCountMustMatchTheLogits()
    {
        var model = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 3 });
        var error = Assert.Throws<InvalidContractException>(() =>
            ModelContracts.Write(model, new PreprocessingContract { Labels = ["a", "b"], CropSize = 64, ResizeShortSide = 64 }, source: "m.onnx"));
        Assert.Contains("m.onnx", error.Message);
        Assert.Contains("2 labels for a model whose 'logits' output has 3 classes", error.Message);
        Assert.Null(ModelMetadata.Get(model, PreprocessingContract.MetadataKey));
    }

    [Fact]
    public void MalformedStoredContractIsATypedError()
    {
        var model = ModelZoo.Build("tiny3d", new ZooOptions { Classes = 3 });
        ModelMetadata.Set(model, PreprocessingContract.MetadataKey, "{\"frames\": 0}");
        Assert.Throws<InvalidContractException>(() => ModelContracts.Read(model, "m.onnx"));
    }
}
