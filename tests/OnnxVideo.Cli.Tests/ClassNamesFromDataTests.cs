using OnnxVideo.Onnx;
using OnnxVideo.Packaging.Contracts;
using OnnxVideo.Testing;

namespace OnnxVideo.Cli.Tests;

/// <summary>
/// A model built from a class count has placeholder labels; training on a folder-per-class dataset gives it the
/// folders' names. Real labels that disagree with the data are refused with the names that differ.
/// </summary>
public sealed class ClassNamesFromDataTests : IClassFixture<ClassNamesFromDataTests.SynthData>
{
    private static readonly Dictionary<string, string?> NoEnvironment = new();
    private readonly SynthData _data;

    public ClassNamesFromDataTests(SynthData data) => _data = data;

    /// <summary>4 motion classes × 2 tiny clips, made once for the class.</summary>
    public sealed class SynthData : IDisposable
    {
        public TempDirectory Folder { get; } = new();
        public string Root => Folder.File("ds");

        public SynthData()
        {
            var (exit, _, error) = CliProcess.Run("dataset", "synth", "--out", Root, "--classes", "4", "--per-class", "2", "--frames", "8",
                "--size", "32", "--val-fraction", "0", "--codec", "mjpeg");
            Assert.True(exit == 0, error);
        }

        public void Dispose() => Folder.Dispose();
    }

    private static void Export(params string[] arguments)
    {
        var (exit, output, error) = CliProcess.Run("onnxvideo-export", NoEnvironment, arguments);
        Assert.True(exit == 0, $"onnxvideo-export {string.Join(' ', arguments)} → {exit}\n{output}\n{error}");
    }

    private string PackageFor(TempDirectory work, string classes)
    {
        var model = work.File("m.onnx");
        Export("create", "--arch", "tiny3d", "--classes", classes, "--frames", "4", "--size", "32", "--out", model);
        Export("package", "--model", model, "--tune", "head", "--out", work.File("pkg"));
        return work.File("pkg");
    }

    private (int Exit, string Stderr) Train(TempDirectory work, string package) =>
        CliProcess.Run("onnxvideo", NoEnvironment, "train", "--package", package, "--train", _data.Root, "--out", work.File("run"),
            "--epochs", "1", "--batch", "4", "--augment", "none", "--threads", "1", "--json") is var (exit, _, error) ? (exit, error) : default;

    [Fact]
    public void A_model_created_from_a_count_is_trained_and_exported_with_the_folder_names()
    {
        using var work = new TempDirectory();
        var package = PackageFor(work, "4");
        var created = ModelContracts.Read(OnnxModelFile.Load(work.File("m.onnx")))!;
        Assert.True(created.PlaceholderLabels);
        Assert.Equal(["class_0", "class_1", "class_2", "class_3"], created.Labels);

        var (exit, error) = Train(work, package);

        Assert.True(exit == 0, error);
        var trained = ModelContracts.Read(OnnxModelFile.Load(work.File("run/best/model.onnx")))!;
        var folders = Directory.GetDirectories(_data.Root).Select(Path.GetFileName).ToHashSet();
        Assert.Equal(new HashSet<string?> { "move_down", "move_left", "move_right", "move_up" }, folders);
        // The order is the dataset's labels.txt, which synth writes beside the class folders.
        Assert.Equal(["move_right", "move_left", "move_up", "move_down"], trained.Labels);
        Assert.False(trained.PlaceholderLabels);
    }

    [Fact]
    public void A_count_that_does_not_match_the_data_names_both_counts_and_the_labels_file()
    {
        using var work = new TempDirectory();
        var package = PackageFor(work, "3");

        var (exit, error) = Train(work, package);

        Assert.Equal(2, exit);
        Assert.Contains("has 4 classes ('move_right', 'move_left', 'move_up', 'move_down') but the package's model predicts 3", error);
        Assert.Contains($"--classes {Path.Combine(_data.Root, "labels.txt")}", error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void Real_labels_that_differ_from_the_folders_are_refused_naming_each_side()
    {
        using var work = new TempDirectory();
        var labels = work.Touch("labels.txt", "move_right\nmove_left\nspin\nmove_down\n");
        var package = PackageFor(work, labels);

        var (exit, error) = Train(work, package);

        Assert.Equal(2, exit);
        Assert.Contains("the data's classes differ from the model's labels: only in the data: 'move_up'; only in the model: 'spin'", error);
        Assert.Contains("--classes", error);
    }

    [Fact]
    public void Head_marks_labels_from_a_count_as_placeholders_and_labels_from_a_file_as_real()
    {
        using var work = new TempDirectory();
        var source = work.File("source.onnx");
        Export("create", "--arch", "tiny3d", "--classes", "3", "--frames", "4", "--size", "32", "--out", source);
        Export("head", "--model", source, "--classes", "5", "--out", work.File("counted.onnx"));
        Export("head", "--model", source, "--classes", work.Touch("names.txt", "a\nb\n"), "--out", work.File("named.onnx"));

        var counted = ModelContracts.Read(OnnxModelFile.Load(work.File("counted.onnx")))!;
        var named = ModelContracts.Read(OnnxModelFile.Load(work.File("named.onnx")))!;

        Assert.True(counted.PlaceholderLabels);
        Assert.Equal(5, counted.Labels.Length);
        Assert.False(named.PlaceholderLabels);
        Assert.Equal(["a", "b"], named.Labels);
    }
}
