using Xunit.Abstractions;
using Google.Protobuf;
using OnnxVideo.Packaging;
using OnnxVideo.Export.Tests.PackageSupport;
using OnnxVideo.Onnx;
using OnnxVideo.Onnx.Proto;
using DataType = OnnxVideo.Onnx.Proto.TensorProto.Types.DataType;

namespace OnnxVideo.Export.Tests;

/// <summary>
/// Mutations of a small valid classifier, each run through <c>onnxvideo-export head</c> and <c>package</c>: every one
/// must end with exit code 2 and one error line naming the model, never a stack trace, and write nothing.
/// </summary>
public sealed class MalformedModelCommandTests(ITestOutputHelper log) : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static readonly string[] AllMutations =
    [
        "cycle", "self-loop", "opset 999", "unknown op", "string input", "head weight [2^29,1] without data",
        "head weight [2^62,4]", "3 GiB external tensor", "negative dimension", "raw_data shorter than the shape",
        "FIFO as the model", "external data is a FIFO", "logits output without a shape", "logits of rank 3", "classes 2^40",
        "input of rank 4", "second graph input", "head weight int64", "head weight 1-D", "no nodes", "Gemm with one input",
        "transB is a string", "duplicate initializer", "empty input name", "output not produced", "ir_version 99",
    ];

    /// <summary>`head` replaces the classifier head and its output declaration, so these are valid models for it.</summary>
    private static readonly string[] HeadReplacesWhatIsWrong = ["logits output without a shape", "logits of rank 3", "classes 2^40", "second graph input"];

    public static TheoryData<string, string> Mutations()
    {
        var data = new TheoryData<string, string>();
        foreach (var mutation in AllMutations)
        {
            data.Add("package", mutation);
            if (!HeadReplacesWhatIsWrong.Contains(mutation))
            {
                data.Add("head", mutation);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Mutations))]
    public void MutatedModelIsRefusedWithExitCode2NamingIt(string command, string mutation)
    {
        var modelPath = Write(mutation);
        var output = temp.File(command == "head" ? "out.onnx" : "pkg");
        var (code, stdout, stderr) = command == "head"
            ? CliProcess.RunWithin(TimeSpan.FromSeconds(60), "onnxvideo-export", new Dictionary<string, string?>(), "head", "--model", modelPath, "--classes", "3", "--out", output)
            : CliProcess.RunWithin(TimeSpan.FromSeconds(60), "onnxvideo-export", new Dictionary<string, string?>(), "package", "--model", modelPath, "--out", output);
        log.WriteLine(stderr);
        Assert.True(code == 2, $"{command} on '{mutation}': exit {code}\n{stdout}\n{stderr}");
        Assert.StartsWith("error: " + modelPath, stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.False(File.Exists(command == "head" ? output : Path.Combine(output, TrainingPackageManifest.FileName)));
    }

    [Theory]
    [MemberData(nameof(HeadReplacementCases))]
    public void HeadAcceptsModelsWhoseOnlyFaultIsInTheHeadItReplaces(string mutation)
    {
        var output = temp.File("out.onnx");
        var (code, _, stderr) = CliProcess.RunExport("head", "--model", Write(mutation), "--classes", "3", "--out", output);
        Assert.True(code == 0, stderr);
        Assert.True(File.Exists(output));
    }

    public static TheoryData<string> HeadReplacementCases => new(HeadReplacesWhatIsWrong);

    [Theory]
    [InlineData("head")]
    [InlineData("package")]
    public void TheUnmutatedModelIsAccepted(string command)
    {
        var modelPath = Write("none");
        var (code, _, stderr) = command == "head"
            ? CliProcess.RunExport("head", "--model", modelPath, "--classes", "3", "--out", temp.File("out.onnx"))
            : CliProcess.RunExport("package", "--model", modelPath, "--out", temp.File("pkg"));
        Assert.True(code == 0, stderr);
    }

    private string Write(string mutation)
    {
        var path = temp.File("model.onnx");
        if (mutation == "FIFO as the model")
        {
            PackageFifos.Make(path);
            return path;
        }
        var model = TinyModels.Mlp3d();
        var graph = model.Graph;
        var head = graph.Initializer.Single(t => t.Name == "head.weight");
        var relu = graph.Node.First(n => n.OpType == "Relu");
        switch (mutation)
        {
            case "none":
                break;
            case "cycle":
                // The first Relu takes the Flatten output, which (through GlobalAveragePool) depends on it.
                relu.Input[0] = graph.Node.First(n => n.OpType == "Flatten").Output[0];
                break;
            case "self-loop":
                relu.Input[0] = relu.Output[0];
                break;
            case "opset 999":
                model.OpsetImport[0].Version = 999;
                break;
            case "unknown op":
                relu.OpType = "NoSuchOperator";
                break;
            case "string input":
                graph.Input[0].Type.TensorType.ElemType = (int)DataType.String;
                break;
            case "head weight [2^29,1] without data":
                Reshape(head, 1L << 29, 1);
                break;
            case "head weight [2^62,4]":
                Reshape(head, 1L << 62, 4);
                break;
            case "3 GiB external tensor":
                Reshape(head, 3, 1L << 28);
                External(head, "big.bin", 3L << 30);
                break;
            case "negative dimension":
                Reshape(head, -3, 5);
                break;
            case "raw_data shorter than the shape":
                head.RawData = ByteString.CopyFrom(head.RawData.Span[..8]);
                break;
            case "external data is a FIFO":
                External(head, "weights.bin", 0);
                break;
            case "logits output without a shape":
                graph.Output[0].Type.TensorType.Shape = null;
                break;
            case "logits of rank 3":
                graph.Output[0].Type.TensorType.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 1 });
                break;
            case "classes 2^40":
                graph.Output[0].Type.TensorType.Shape.Dim[1].DimValue = 1L << 40;
                break;
            case "input of rank 4":
                graph.Input[0].Type.TensorType.Shape.Dim.RemoveAt(4);
                break;
            case "second graph input":
                graph.Input.Add(GraphBuilder.ValueInfo("extra", DataType.Float, [1]));
                break;
            case "head weight int64":
                head.DataType = (int)DataType.Int64;
                head.RawData = ByteString.CopyFrom(new byte[15 * 8]);
                break;
            case "head weight 1-D":
                Reshape(head, 15);
                head.RawData = ByteString.CopyFrom(new byte[15 * 4]);
                break;
            case "no nodes":
                graph.Node.Clear();
                break;
            case "Gemm with one input":
                var gemm = graph.Node.Last(n => n.OpType == "Gemm");
                gemm.Input.RemoveAt(2);
                gemm.Input.RemoveAt(1);
                break;
            case "transB is a string":
                var attribute = graph.Node.Last(n => n.OpType == "Gemm").Attribute.Single(a => a.Name == "transB");
                attribute.Type = AttributeProto.Types.AttributeType.String;
                attribute.S = ByteString.CopyFromUtf8("yes");
                break;
            case "duplicate initializer":
                graph.Initializer.Add(head.Clone());
                break;
            case "empty input name":
                relu.Input[0] = "";
                break;
            case "output not produced":
                graph.Output[0].Name = "nobody_makes_this";
                break;
            case "ir_version 99":
                model.IrVersion = 99;
                break;
            default:
                throw new ArgumentException(mutation);
        }
        File.WriteAllBytes(path, OnnxModelFile.ToBytes(model));
        return path;
    }

    private static void Reshape(TensorProto tensor, params long[] dims)
    {
        tensor.Dims.Clear();
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.Empty;
        tensor.FloatData.Clear();
    }

    /// <summary>Moves the tensor's data to <paramref name="file"/> (sparse, <paramref name="bytes"/> long; a FIFO when 0).</summary>
    private void External(TensorProto tensor, string file, long bytes)
    {
        var dataPath = temp.File(file);
        if (bytes == 0)
        {
            PackageFifos.Make(dataPath);
        }
        else
        {
            using var stream = File.Create(dataPath);
            stream.SetLength(bytes);
        }
        var length = bytes == 0 ? TensorProtos.ElementCount(tensor) * 4 : bytes;
        tensor.RawData = ByteString.Empty;
        tensor.DataLocation = TensorProto.Types.DataLocation.External;
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = file });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = "0" });
        tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
    }
}
