using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Packaging.Contracts;

namespace OnnxVideo.Cli.Tests;

/// <summary><c>onnxvideo-export create --recipe</c> and <c>list</c> with the recipes of models/.</summary>
public sealed class RecipeCommandTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = new();

    private static (int Exit, string Stdout, string Stderr) Export(params string[] arguments) =>
        CliProcess.Run("onnxvideo-export", NoEnvironment, arguments);

    [Fact]
    public void Create_from_the_tiny3d_recipe_starts_from_the_shipped_checkpoint_with_the_recipe_contract()
    {
        using var work = new TempDirectory();
        var labels = work.Touch("labels.txt", "a\nb\nc\n");

        var (exit, output, error) = Export("create", "--recipe", "tiny3d", "--classes", labels, "--out", work.File("m.onnx"));

        Assert.True(exit == 0, error);
        Assert.Contains("recipe tiny3d, SHA-256 checked, new head", output);
        var model = OnnxModelFile.Load(work.File("m.onnx"));
        var contract = ModelContracts.Read(model)!;
        Assert.Equal((8, 64), (contract.Frames, contract.CropSize));
        Assert.Equal(["a", "b", "c"], contract.Labels);
        using var shipped = SafetensorsFile.Open(Path.Combine(AppContext.BaseDirectory, "models", "tiny3d-pretext.safetensors"));
        var conv = model.Graph.Initializer.Single(t => t.Name == "stages.0.0.weight");
        Assert.Equal(shipped.ReadFloats("stages.0.0.weight"), TensorProtos.ToFloats(conv));
        Assert.Equal([3L, 64L], model.Graph.Initializer.Single(t => t.Name == "fc.weight").Dims);
    }

    [Fact]
    public void A_recipe_whose_weights_are_not_shipped_says_where_to_download_them()
    {
        using var work = new TempDirectory();

        var (exit, _, error) = Export("create", "--recipe", "r3d_18", "--classes", "4", "--out", work.File("m.onnx"));

        Assert.Equal(2, exit);
        Assert.Contains("field 'weights': the weights are not shipped: download https://download.pytorch.org/models/r3d_18-b3b3357e.pth", error);
        Assert.False(File.Exists(work.File("m.onnx")));
    }

    [Fact]
    public void Weights_that_are_not_the_published_file_are_refused_by_their_hash()
    {
        using var work = new TempDirectory();
        var fake = work.Touch("r3d_18-b3b3357e.pth", "not torchvision's checkpoint");

        var (exit, _, error) = Export("create", "--recipe", "r3d_18", "--weights", fake, "--classes", "4", "--out", work.File("m.onnx"));

        Assert.Equal(2, exit);
        Assert.Contains($"{fake}: SHA-256 ", error);
        Assert.Contains("does not match the SHA-256 prefix b3b3357e of recipe r3d_18", error);
    }

    [Fact]
    public void An_import_recipe_explains_the_export_step_and_a_bad_recipe_file_names_its_field()
    {
        using var work = new TempDirectory();
        var (exit, _, error) = Export("create", "--recipe", "s3d", "--classes", "4", "--out", work.File("m.onnx"));
        Assert.Equal(2, exit);
        Assert.Contains("s3d is imported, not built by the zoo: import torch, torchvision;", error);

        var bad = work.Touch("bad.json", """{ "name": "bad", "source": "zoo", "architecture": "tiny3d", "description": "d", "contract": { "frames": -1, "size": 64 } }""");
        (exit, _, error) = Export("create", "--recipe", bad, "--classes", "4", "--out", work.File("m.onnx"));
        Assert.Equal(2, exit);
        Assert.Contains($"{bad}: field 'contract.frames': expected an integer in 1..1024, got -1", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void List_shows_the_recipes_with_their_weights()
    {
        var (exit, output, error) = Export("list", "--classes", "4");

        Assert.True(exit == 0, error);
        Assert.Matches(@"tiny3d +tiny3d +8×64² +shipped tiny3d-pretext\.safetensors", output);
        Assert.Matches(@"r2plus1d_18 +r2plus1d_18 +16×112² +https://download\.pytorch\.org/models/r2plus1d_18-91a641e6\.pth", output);
        Assert.Matches(@"mvit_v2_s +import", output);
    }
}
