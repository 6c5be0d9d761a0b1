using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaxGenius.Core.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DocumentRecognition : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "DocumentRecognitions",
                columns: table => new
                {
                    DocumentId = table.Column<Guid>(type: "uuid", nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Confidence = table.Column<double>(type: "double precision", nullable: false),
                    TaxYear = table.Column<int>(type: "integer", nullable: true),
                    Source = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    NeedsCheck = table.Column<bool>(type: "boolean", nullable: false),
                    TextCipher = table.Column<string>(type: "text", nullable: true),
                    FieldsCipher = table.Column<string>(type: "text", nullable: true),
                    CorrectionsCipher = table.Column<string>(type: "text", nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    ClaimedUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    SuggestionDismissedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    FulfilledRequestItemId = table.Column<Guid>(type: "uuid", nullable: true),
                    DurationMs = table.Column<int>(type: "integer", nullable: true),
                    Error = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DocumentRecognitions", x => x.DocumentId);
                    table.ForeignKey(
                        name: "FK_DocumentRecognitions_Documents_DocumentId",
                        column: x => x.DocumentId,
                        principalTable: "Documents",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DocumentRecognitions_NeedsCheck",
                table: "DocumentRecognitions",
                column: "DocumentId",
                filter: "\"NeedsCheck\"");

            migrationBuilder.CreateIndex(
                name: "IX_DocumentRecognitions_Status_CreatedAt",
                table: "DocumentRecognitions",
                columns: new[] { "Status", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DocumentRecognitions");
        }
    }
}
